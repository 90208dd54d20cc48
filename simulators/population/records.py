"""The records the generator draws.

Each row record is a ``NamedTuple`` whose fields are the columns of the store table of that
name, in order: cheap to build by the million, and copied into the table as it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple


class Customer(NamedTuple):
    customer_code: str
    kind: str
    full_name: str
    given_names: str | None
    surname: str | None
    photo_ref: str | None
    profession: str | None
    nina: str | None
    rccm: str | None
    nif: str | None
    date_of_birth: date | None
    place_of_birth: str | None
    gender: str | None
    nationality: str | None
    representative_code: str | None
    status: str
    anonymised: bool
    created_at: datetime


class ContactPoint(NamedTuple):
    customer_code: str
    kind: str
    value: str
    recorded_at: datetime


class Subscription(NamedTuple):
    customer_code: str
    msisdn: str
    held_from: datetime
    held_until: datetime | None
    product: str
    status: str


class Device(NamedTuple):
    customer_code: str
    type: str
    model: str
    recorded_at: datetime


class AgentInteraction(NamedTuple):
    customer_code: str
    at: datetime
    channel: str
    note: str


class Profile(NamedTuple):
    customer_code: str
    segment: str
    score: int
    inputs: str
    computed_at: datetime


class MarketingPreference(NamedTuple):
    customer_code: str
    channel: str
    purpose: str
    opted_in: bool
    updated_at: datetime


class CrmHold(NamedTuple):
    customer_code: str
    kind: str
    since: datetime
    until: datetime | None
    reference: str


class Account(NamedTuple):
    account_no: str
    customer_code: str
    billing_address: str | None
    status: str
    opened_at: datetime


class Invoice(NamedTuple):
    invoice_no: str
    account_no: str
    issued_on: date
    period: str
    amount_xof: int


class Consumption(NamedTuple):
    account_no: str
    month: date
    amount_xof: int


class Payment(NamedTuple):
    account_no: str
    paid_at: datetime
    amount_xof: int
    means: str


class BankDetail(NamedTuple):
    account_no: str
    rib: str
    recorded_at: datetime


class Debt(NamedTuple):
    account_no: str
    amount_xof: int
    status: str
    since: date


class Dispute(NamedTuple):
    account_no: str
    opened_at: datetime
    status: str
    items: str
    statement: str | None


class Cell(NamedTuple):
    cell_id: str
    town: str
    region: str
    lat: float
    lon: float


class CdrEvent(NamedTuple):
    msisdn: str
    kind: str
    counterpart: str | None
    started_at: datetime
    duration_s: int | None
    volume_kb: int | None
    cell_id: str | None
    imei: str | None
    ip_address: str | None


class CdrHold(NamedTuple):
    kind: str
    msisdn: str | None
    imei: str | None
    held_from: datetime
    held_until: datetime | None
    reference: str


@dataclass(frozen=True, slots=True)
class Handset:
    """An IMEI and when the subject used it (the CDR sees it, the CRM keeps type and model)."""

    imei: str
    used_from: datetime
    used_until: datetime | None


@dataclass(frozen=True)
class BillingRecords:
    """What billing holds for one customer: one account and its history."""

    account: Account
    invoices: tuple[Invoice, ...]
    consumption: tuple[Consumption, ...]
    payments: tuple[Payment, ...]
    bank_details: tuple[BankDetail, ...]
    debts: tuple[Debt, ...]
    disputes: tuple[Dispute, ...]


@dataclass(frozen=True)
class Subject:
    """One customer and everything the three stores hold about them, except the CDRs."""

    customer: Customer
    home_town: str
    contacts: tuple[ContactPoint, ...]
    subscriptions: tuple[Subscription, ...]
    devices: tuple[Device, ...]
    handsets: tuple[Handset, ...]
    interactions: tuple[AgentInteraction, ...]
    profiles: tuple[Profile, ...]
    preferences: tuple[MarketingPreference, ...]
    crm_holds: tuple[CrmHold, ...]
    billing: BillingRecords
    cdr_holds: tuple[CdrHold, ...]

    @property
    def customer_code(self) -> str:
        return self.customer.customer_code
