"""Discovery handlers: ask the CRM first, then follow its MSISDN holdings to billing and CDR.

This is where the saga moves from identity to data: discovery starts only from an
``identity.verified.v1`` whose every check passed (rulebook §3.6).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row, insert, select

from contracts.backoffice import Holding, InventoryItem, StoreAction, StoreCommand, StoreResult
from contracts.discovery import DiscoveryCompleted
from contracts.identity import IdentityVerified
from contracts.intake import RequestDetails
from contracts.status import RequestWithdrawn
from contracts.vocabulary import Store
from services.discovery.tables import discoveries, withdrawals
from services.runtime.deps import Deps
from services.runtime.errors import Reject
from services.runtime.saga_state import save_versioned
from services.runtime.withdrawals import is_withdrawn, remember_withdrawal

FOLLOW_UP_STORES = (Store.BILLING, Store.CDR)


def start_discovery(verified: IdentityVerified, deps: Deps) -> None:
    if not verified.checks_support_verification():
        raise Reject(f"{verified.reference}: identity not verified, nothing may be discovered")
    if is_withdrawn(deps.db, withdrawals, verified.reference):
        return
    deps.db.execute(insert(discoveries).values(
        reference=verified.reference, right=verified.right.value,
        customer_code=verified.customer_code, details=verified.details.model_dump(mode="json"),
        awaiting=[Store.CRM.value], holdings=[], inventory=[], completed=0, version=1,
        updated_at=deps.now(),
    ))
    _ask(deps, verified.reference, Store.CRM, verified.customer_code, [])


def record_findings(result: StoreResult, deps: Deps) -> None:
    row = _load(deps, result.reference)
    if row.completed or result.store.value not in row.awaiting:
        return
    if is_withdrawn(deps.db, withdrawals, result.reference):
        save_versioned(deps.db, discoveries, row, deps.now(), completed=1)
        return
    if not result.ok:
        raise Reject(f"{result.store.value} could not run discovery: {result.error}")
    awaiting = [s for s in row.awaiting if s != result.store.value]
    holdings: list[dict[str, Any]] = row.holdings
    if result.store is Store.CRM:
        holdings = [h.model_dump(mode="json") for h in result.holdings]
        awaiting += [store.value for store in FOLLOW_UP_STORES]
        for store in FOLLOW_UP_STORES:
            _ask(deps, result.reference, store, row.customer_code, result.holdings)
    inventory = row.inventory + [item.model_dump(mode="json") for item in result.inventory]
    save_versioned(deps.db, discoveries, row, deps.now(), awaiting=awaiting, holdings=holdings,
                   inventory=inventory, completed=int(not awaiting))
    if not awaiting:
        deps.publish(DiscoveryCompleted(
            reference=result.reference, right=row.right, customer_code=row.customer_code,
            holdings=[Holding.model_validate(h) for h in holdings],
            inventory=[InventoryItem.model_validate(i) for i in inventory],
            details=RequestDetails.model_validate(row.details),
        ), subject=result.reference)


def stop_on_withdrawal(withdrawn: RequestWithdrawn, deps: Deps) -> None:
    remember_withdrawal(deps, withdrawals, withdrawn.reference)


def _ask(deps: Deps, reference: str, store: Store, customer_code: str,
         holdings: list[Holding]) -> None:
    deps.publish(StoreCommand(
        command_id=f"{reference}:discover:{store.value}", reference=reference, store=store,
        action=StoreAction.DISCOVER, customer_code=customer_code, holdings=holdings,
    ), subject=reference)


def _load(deps: Deps, reference: str) -> Row[Any]:
    row = deps.db.execute(select(discoveries).where(discoveries.c.reference == reference)).first()
    if row is None:
        raise Reject(f"no discovery is running for {reference}")
    return row
