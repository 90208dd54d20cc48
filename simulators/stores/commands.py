"""Idempotent command handling: a command id seen twice re-publishes the stored result."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import Column, MetaData, String, Table, Text, insert, select

from contracts.backoffice import StoreAction, StoreCommand, StoreResult
from contracts.vocabulary import Store
from services.runtime.database import UtcDateTime
from services.runtime.deps import Deps

StoreActionHandler = Callable[[StoreCommand, Deps], StoreResult]


class CommandRefused(Exception):
    """The store cannot act on this command; it answers ``ok=False`` with this reason."""


def commands_table(metadata: MetaData) -> Table:
    return Table(
        "commands",
        metadata,
        Column("command_id", String(100), primary_key=True),
        Column("action", String(20), nullable=False),
        Column("result_body", Text, nullable=False),
        Column("handled_at", UtcDateTime(), nullable=False),
    )


def respond(
    command: StoreCommand,
    deps: Deps,
    store: Store,
    commands: Table,
    actions: Mapping[StoreAction, StoreActionHandler],
) -> None:
    """Act once per command id and publish exactly one ``StoreResult``."""
    stored = deps.db.execute(
        select(commands.c.result_body).where(commands.c.command_id == command.command_id)
    ).scalar_one_or_none()
    if stored is not None:
        deps.publish(StoreResult.model_validate_json(stored), subject=command.reference)
        return
    result = _run(command, deps, store, actions)
    deps.db.execute(insert(commands).values(
        command_id=command.command_id, action=command.action.value,
        result_body=result.model_dump_json(), handled_at=deps.now(),
    ))
    deps.publish(result, subject=command.reference)


def _run(
    command: StoreCommand,
    deps: Deps,
    store: Store,
    actions: Mapping[StoreAction, StoreActionHandler],
) -> StoreResult:
    if command.store is not store:
        return failure(command, f"this is the {store.value} store, not {command.store.value}")
    handler = actions.get(command.action)
    if handler is None:
        return failure(command, f"the {store.value} store does not support "
                                f"'{command.action.value}'")
    try:
        return handler(command, deps)
    except CommandRefused as exc:
        return failure(command, str(exc))


def answer(command: StoreCommand, **fields: Any) -> StoreResult:
    return StoreResult(command_id=command.command_id, reference=command.reference,
                       store=command.store, action=command.action, ok=True, **fields)


def failure(command: StoreCommand, error: str) -> StoreResult:
    return StoreResult(command_id=command.command_id, reference=command.reference,
                       store=command.store, action=command.action, ok=False, error=error)


def require_customer_code(command: StoreCommand) -> str:
    if not command.customer_code:
        raise CommandRefused(f"'{command.action.value}' needs a customer_code")
    return command.customer_code
