"""What the identity worker consumes."""

from contracts.backoffice import StoreResult
from contracts.intake import RequestRegistered
from services.identity import handlers
from services.identity.tables import metadata
from services.runtime.routing import Route, Worker, on

WORKER = Worker(
    name="identity",
    tables=metadata,
    routes=(
        on(RequestRegistered, handlers.start_verification),
        Route(binding="backoffice.crm.identify.result.v1", message=StoreResult,
              handler=handlers.decide),
    ),
)
