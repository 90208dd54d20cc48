"""The stores' side of the fulfilment saga (rulebook §7): prepare, commit, compensate, release.

``prepare`` copies the subject's rows (every table a change may touch) into
``prepared_changes`` and flags the targeted ones restricted, in the command's transaction;
``commit`` puts the flags back as they were and applies the change; ``compensate`` puts the
saved rows back; ``release`` forgets them once every store has committed. One row per
request and saga run (``staging_key``): a compensation that arrives first leaves a
tombstone, so a late prepare is refused; a retry after a review (run 2, …) stages afresh.
Set-based: one SELECT, UPDATE, DELETE or multi-row INSERT per table, never a loop of SQL
per row; the statements that name saved rows by key take them in chunks of ``KEY_CHUNK``
keys, under the databases' limit on bound parameters (SQLite: 32,766 per statement).
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    ColumnElement,
    Connection,
    MetaData,
    Row,
    String,
    Table,
    TypeDecorator,
    delete,
    insert,
    select,
    update,
)

from contracts.backoffice import StoreAction, StoreCommand, StoreResult
from services.runtime.database import UtcDateTime
from services.runtime.deps import Deps
from simulators.stores.commands import CommandRefused, StoreActionHandler, answer
from simulators.stores.sources import Scope, Source, tables_of, wanted

PREPARED, COMMITTED, COMPENSATED, RELEASED = "prepared", "committed", "compensated", "released"
CHANGES = (StoreAction.ERASE, StoreAction.RECTIFY, StoreAction.RESTRICT, StoreAction.OPT_OUT)
Rows = dict[str, list[dict[str, Any]]]
KEY_CHUNK = 5_000


def prepared_changes_table(metadata: MetaData) -> Table:
    return Table(
        "prepared_changes",
        metadata,
        Column("reference", String(20), primary_key=True),
        Column("change", String(20), nullable=False),
        Column("state", String(20), nullable=False),
        Column("prior", JSON, nullable=False),
        Column("prepared_at", UtcDateTime(), nullable=False),
        Column("updated_at", UtcDateTime(), nullable=False),
    )


@dataclass(frozen=True)
class Staging:
    """What one store stages: its sources, how a command scopes the subject, its changes.

    ``new_rows_stay``: restoring replaces only the saved rows (the CDR, whose changes never
    add rows, keeps traffic recorded meanwhile); otherwise every row of the subject is
    replaced, so rows a change added go too.
    """

    table: Table
    sources: Sequence[Source]
    scope: Callable[[StoreCommand, Deps], Scope]
    changes: Mapping[StoreAction, StoreActionHandler]
    new_rows_stay: bool = False

    @property
    def tables(self) -> list[Table]:
        return tables_of(self.sources, {s.category for s in self.sources})

    def actions(self) -> dict[StoreAction, StoreActionHandler]:
        return {
            StoreAction.PREPARE: lambda command, deps: prepare(self, command, deps),
            StoreAction.COMMIT: lambda command, deps: commit(self, command, deps),
            StoreAction.COMPENSATE: lambda command, deps: compensate(self, command, deps),
            StoreAction.RELEASE: lambda command, deps: release(self, command, deps),
        }


def staging_key(command: StoreCommand) -> str:
    """The ``prepared_changes`` row of this command's saga run (the first: the reference)."""
    return command.reference if command.run == 1 else f"{command.reference}#{command.run}"


def prepare(staging: Staging, command: StoreCommand, deps: Deps) -> StoreResult:
    change = _change(staging, command)
    found = _saved(staging, deps.db, staging_key(command))
    if found is not None:
        if found.state == PREPARED and found.change == change.value:
            return answer(command)
        raise CommandRefused(f"the change for {command.reference} is already {found.state}")
    scope = staging.scope(command, deps)
    prior = {t.name: _read(deps.db, t, scope(t)) for t in staging.tables}
    for table in tables_of(staging.sources, wanted(command, _categories(staging))):
        deps.db.execute(update(table).where(scope(table)).values(restricted=True))
    deps.db.execute(insert(staging.table).values(
        reference=staging_key(command), change=change.value, state=PREPARED, prior=prior,
        prepared_at=deps.now(), updated_at=deps.now()))
    return answer(command)


def commit(staging: Staging, command: StoreCommand, deps: Deps) -> StoreResult:
    change = _change(staging, command)
    found = _saved(staging, deps.db, staging_key(command))
    if found is None or found.state != PREPARED or found.change != change.value:
        state = found.state if found is not None else "not prepared"
        raise CommandRefused(f"cannot commit {change.value} for {command.reference}: {state}")
    for table in staging.tables:
        _unflag(deps.db, table, found.prior.get(table.name, []))
    result = staging.changes[change](command, deps)
    _set_state(staging, deps, staging_key(command), COMMITTED)
    return result


def compensate(staging: Staging, command: StoreCommand, deps: Deps) -> StoreResult:
    found = _saved(staging, deps.db, staging_key(command))
    if found is None:
        deps.db.execute(insert(staging.table).values(
            reference=staging_key(command), change="none", state=COMPENSATED, prior={},
            prepared_at=deps.now(), updated_at=deps.now()))
        return answer(command)
    if found.state in (PREPARED, COMMITTED):
        _restore(staging, deps, command, found.prior)
        _set_state(staging, deps, staging_key(command), COMPENSATED)
    elif found.state == RELEASED:
        raise CommandRefused(f"the change for {command.reference} was released: it stays")
    return answer(command)


def release(staging: Staging, command: StoreCommand, deps: Deps) -> StoreResult:
    """The saga is over: the prior state (personal data) is not kept."""
    found = _saved(staging, deps.db, staging_key(command))
    if found is not None and found.state == COMMITTED:
        _set_state(staging, deps, staging_key(command), RELEASED)
    return answer(command)


def _change(staging: Staging, command: StoreCommand) -> StoreAction:
    if command.change is None or command.change not in staging.changes:
        offered = ", ".join(a.value for a in staging.changes)
        raise CommandRefused(f"'{command.action.value}' needs a change among {offered}")
    return command.change


def _categories(staging: Staging) -> list[Any]:
    return list(dict.fromkeys(s.category for s in staging.sources))


def _saved(staging: Staging, db: Connection, reference: str) -> Row[Any] | None:
    t = staging.table
    return db.execute(select(t).where(t.c.reference == reference)).first()


def _set_state(staging: Staging, deps: Deps, reference: str, state: str) -> None:
    t = staging.table
    values: dict[str, Any] = {"state": state, "updated_at": deps.now()}
    if state in (COMPENSATED, RELEASED):
        values["prior"] = {}
    deps.db.execute(update(t).where(t.c.reference == reference).values(**values))


def _read(db: Connection, table: Table, where: ColumnElement[bool]) -> list[dict[str, Any]]:
    return [_encode(dict(row._mapping)) for row in db.execute(select(table).where(where))]


def _unflag(db: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Lift the restriction prepare set on rows that were not restricted before (and that
    nothing has restricted since: a hold, a dispute or a restriction request marks its rows)."""
    keys = [_key(table, row) for row in rows if not row.get("restricted", True)]
    for chunk in _chunks(keys):
        db.execute(update(table).where(_keyed(table, chunk), table.c.restricted_by.is_(None))
                   .values(restricted=False))


def _restore(staging: Staging, deps: Deps, command: StoreCommand, prior: Rows) -> None:
    """Delete what is there now (children first), then insert the saved rows back."""
    scope = staging.scope(command, deps)
    for table in reversed(staging.tables):
        if not staging.new_rows_stay:
            deps.db.execute(delete(table).where(scope(table)))
        keys = [_key(table, row) for row in prior.get(table.name, [])]
        for chunk in _chunks(keys):
            deps.db.execute(delete(table).where(_keyed(table, chunk)))
    for table in staging.tables:
        rows = [_decode(table, row) for row in prior.get(table.name, [])]
        if rows:
            deps.db.execute(insert(table), rows)


def _key(table: Table, row: Mapping[str, Any]) -> Any:
    (column,) = table.primary_key.columns
    return _decode(table, {column.key: row[column.key]})[column.key]


def _chunks(keys: list[Any]) -> list[list[Any]]:
    return [keys[i:i + KEY_CHUNK] for i in range(0, len(keys), KEY_CHUNK)]


def _keyed(table: Table, keys: list[Any]) -> ColumnElement[bool]:
    (column,) = table.primary_key.columns
    return column.in_(keys)


def _encode(row: Mapping[str, Any]) -> dict[str, Any]:
    def plain(value: Any) -> Any:
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, bytes):
            return base64.b64encode(value).decode()
        return value
    return {key: plain(value) for key, value in row.items()}


def _decode(table: Table, row: Mapping[str, Any]) -> dict[str, Any]:
    def typed(name: str, value: Any) -> Any:
        if value is None:
            return None
        kind = _python_type(table, name)
        if kind is datetime:
            return datetime.fromisoformat(value)
        if kind is date:
            return date.fromisoformat(value)
        if kind is bytes:
            return base64.b64decode(value)
        return value
    return {name: typed(name, value) for name, value in row.items()}


def _python_type(table: Table, name: str) -> type | None:
    column_type = table.c[name].type
    if isinstance(column_type, TypeDecorator):
        column_type = column_type.impl_instance
    try:
        kind: type = column_type.python_type
    except NotImplementedError:
        return None
    return kind
