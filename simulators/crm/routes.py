"""What the simulated CRM consumes: every command addressed to it."""

from contracts.backoffice import StoreCommand
from contracts.envelope import COMMANDS_EXCHANGE
from services.runtime.routing import Route, Worker, store_results
from simulators.crm.handlers import handle_command
from simulators.crm.tables import metadata

WORKER = Worker(
    name="crm",
    routes=(Route(binding="backoffice.crm.*.v1", message=StoreCommand, handler=handle_command,
                  exchange=COMMANDS_EXCHANGE),),
    tables=metadata,
    publishes=(store_results("crm"),),
)
