"""Commands to the back-office stores (CRM, billing, CDR) and their result events.

A command travels on ``dsr.commands`` with routing key ``backoffice.<store>.<action>.v1``;
the store answers on ``dsr.events`` with ``backoffice.<store>.<action>.result.v1``.
A change runs as a saga (rulebook §7): ``prepare`` restricts the rows and keeps their prior
state, ``commit`` applies the ``change``, ``compensate`` restores the prior state, ``release``
forgets it once every store has committed.
"""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

from contracts.corrections import Corrections
from contracts.envelope import COMMANDS_EXCHANGE, Message
from contracts.text import CommandId, CustomerCode, Statement
from contracts.times import Day, Time
from contracts.vocabulary import Action, Category, Msisdn, Purpose, Reference, Store


class StoreAction(StrEnum):
    IDENTIFY = "identify"
    DISCOVER = "discover"
    EXPORT = "export"
    RECTIFY = "rectify"
    ERASE = "erase"
    RESTRICT = "restrict"
    UNRESTRICT = "unrestrict"
    OPT_OUT = "opt_out"
    PREPARE = "prepare"
    COMMIT = "commit"
    COMPENSATE = "compensate"
    RELEASE = "release"


class Holding(BaseModel):
    """An MSISDN and the period a customer held it (number recycling, rulebook §4)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    msisdn: Msisdn
    held_from: Time
    held_until: Time | None = None


class StoreCommand(Message):
    message_type: ClassVar[str] = "backoffice.{store}.{action}.v1"
    exchange: ClassVar[str] = COMMANDS_EXCHANGE
    summary: ClassVar[str] = "Fulfilment or discovery asks one store to act for one request"

    command_id: CommandId
    reference: Reference
    store: Store
    action: StoreAction
    customer_code: CustomerCode | None = None
    msisdn: Msisdn | None = None
    holdings: list[Holding] = Field(default_factory=list)
    categories: list[Category] = Field(default_factory=list, description="empty means all")
    corrections: Corrections = Field(default_factory=Corrections)
    purposes: list[Purpose] = Field(
        default_factory=list, description="opt_out: the purposes whose processing stops")
    statement: Statement | None = Field(
        default=None,
        description="rectify: the customer's statement, recorded with a usage dispute")
    as_of: Time | None = Field(default=None, description="identify: the receipt time")
    change: StoreAction | None = Field(
        default=None, description="prepare, commit: the change the saga carries out "
        "(erase, rectify, restrict, opt_out)")
    run: int = Field(default=1, ge=1, description="the saga's run: a retry after a review "
                     "starts run 2, a change staged afresh")

    def routing_type(self) -> str:
        return f"backoffice.{self.store.value}.{self.action.value}.v1"


class Hold(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: str = Field(description="debt, litigation, stolen_device, accounting, "
                      "traffic_retention, or legal_obligation (opaque)")
    until: Day | None = None


class InventoryItem(BaseModel):
    """What one store holds of one category for the subject."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    store: Store
    category: Category
    records: int = Field(ge=0)
    first_at: Time | None = None
    last_at: Time | None = None
    legal_basis: str
    retention: str
    holds: list[Hold] = Field(default_factory=list)


class StoreOutcome(BaseModel):
    """What one store did to one category."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    category: Category
    action: Action
    records: int = Field(ge=0)
    reason: str | None = None
    kept_until: Day | None = None
    kept_for_contract: bool = Field(
        default=False,
        description="retained only because the subscriber's contract is still running: the "
        "answer says so and offers termination (rulebook §6, erasure)")


class RepresentativeRecord(BaseModel):
    """The person the CRM records as acting for a legal entity."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    customer_code: str
    full_name: str


class IdentityRecord(BaseModel):
    """The CRM's identity fields for matching; travels only from CRM to identity."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    customer_code: str
    full_name: str
    date_of_birth: Day | None = None
    nina: str | None = None
    msisdn_held_on_receipt: bool
    former_customer: bool = Field(
        default=False, description="no number of theirs was in service on the receipt date: "
        "their contract has ended")
    msisdn_held_until: Time | None = Field(
        default=None, description="when the number given stopped being theirs, if they held "
        "it once and not on the receipt date (number recycling, rulebook §4)")
    legal_entity: bool = False
    rccm: str | None = None
    nif: str | None = None
    representative: RepresentativeRecord | None = None


class StoreResult(Message):
    message_type: ClassVar[str] = "backoffice.{store}.{action}.result.v1"
    summary: ClassVar[str] = "A store's answer to one command"

    command_id: str
    reference: Reference
    store: Store
    action: StoreAction
    ok: bool
    error: str | None = None
    identity: IdentityRecord | None = None
    former_holders: list[IdentityRecord] = Field(
        default_factory=list,
        description="identify by number alone: the former customers who held it before the "
        "receipt date, most recent first; the requester's document decides which, if any, "
        "they are")
    holdings: list[Holding] = Field(default_factory=list)
    inventory: list[InventoryItem] = Field(default_factory=list)
    outcomes: list[StoreOutcome] = Field(default_factory=list)
    export_ref: str | None = None

    def routing_type(self) -> str:
        return f"backoffice.{self.store.value}.{self.action.value}.result.v1"
