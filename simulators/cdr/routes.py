"""What the simulated CDR store consumes: every command addressed to it."""

from contracts.backoffice import StoreCommand
from contracts.envelope import COMMANDS_EXCHANGE
from services.runtime.routing import Route, Worker, store_results
from simulators.cdr.handlers import handle_command
from simulators.cdr.tables import metadata

WORKER = Worker(
    name="cdr",
    routes=(Route(binding="backoffice.cdr.*.v1", message=StoreCommand, handler=handle_command,
                  exchange=COMMANDS_EXCHANGE),),
    tables=metadata,
    publishes=(store_results("cdr"),),
)
