"""What the simulated billing system consumes: every command addressed to it."""

from contracts.backoffice import StoreCommand
from contracts.envelope import COMMANDS_EXCHANGE
from services.runtime.routing import Route, Worker, store_results
from simulators.billing.handlers import handle_command
from simulators.billing.tables import metadata

WORKER = Worker(
    name="billing",
    routes=(Route(binding="backoffice.billing.*.v1", message=StoreCommand,
                  handler=handle_command, exchange=COMMANDS_EXCHANGE),),
    tables=metadata,
    publishes=(store_results("billing"),),
)
