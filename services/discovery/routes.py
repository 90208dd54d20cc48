"""What the discovery worker consumes."""

from contracts.backoffice import StoreResult
from contracts.discovery import DiscoveryCompleted, DiscoveryFailed
from contracts.identity import IdentityVerified
from contracts.status import ClockTicked, RequestWithdrawn
from services.discovery import handlers
from services.discovery.tables import metadata
from services.runtime.routing import Route, Worker, commands, on, publishes

WORKER = Worker(
    name="discovery",
    tables=metadata,
    publishes=(*publishes(DiscoveryCompleted, DiscoveryFailed), commands("*", "discover")),
    routes=(
        on(IdentityVerified, handlers.start_discovery),
        Route(binding="backoffice.*.discover.result.v1", message=StoreResult,
              handler=handlers.record_findings),
        on(RequestWithdrawn, handlers.stop_on_withdrawal),
        on(ClockTicked, handlers.resend_overdue),
    ),
)
