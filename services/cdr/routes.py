"""What the simulated CDR store consumes: every command addressed to it."""

from contracts.backoffice import StoreCommand
from contracts.envelope import COMMANDS_EXCHANGE
from services.cdr.handlers import handle_command
from services.cdr.tables import metadata
from services.runtime.routing import Route, Worker, store_results

WORKER = Worker(
    name="cdr",
    routes=(Route(binding="backoffice.cdr.*.v1", message=StoreCommand, handler=handle_command,
                  exchange=COMMANDS_EXCHANGE),),
    tables=metadata,
    publishes=(store_results("cdr"),),
)
