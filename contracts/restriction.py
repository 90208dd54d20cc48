"""Lifting a restriction (rulebook §6, §8): the customer is told first, the stores after.

The back office asks (``restriction.lift-requested.v1``); fulfilment records the lift as due
after the configured notice period and announces it; notification sends the notice and says
so; on a clock tick once the notice has gone and the period has elapsed, fulfilment sends
``unrestrict`` to every store that restricted the data and publishes the lift.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from contracts.envelope import Message
from contracts.fulfilment import CategoryOutcome
from contracts.text import OperatorName, Reason
from contracts.times import Day, Time
from contracts.vocabulary import Reference


class RestrictionLiftRequested(Message):
    message_type: ClassVar[str] = "restriction.lift-requested.v1"
    summary: ClassVar[str] = ("The back office asks to lift a restriction in force "
                              "(`dsr restriction lift`); the reason is kept in the record")

    reference: Reference
    reason: Reason
    requested_by: OperatorName


class RestrictionLiftAnnounced(Message):
    message_type: ClassVar[str] = "restriction.lift-announced.v1"
    summary: ClassVar[str] = ("A restriction will be lifted once the customer has been told "
                              "and the notice period has elapsed")

    reference: Reference
    lift_on: Day = Field(description="the day the restriction is lifted, at the earliest")


class RestrictionLiftNotified(Message):
    message_type: ClassVar[str] = "restriction.lift-notified.v1"
    summary: ClassVar[str] = "The customer was sent the notice that the restriction will lift"

    reference: Reference
    notified_at: Time


class RestrictionLifted(Message):
    message_type: ClassVar[str] = "restriction.lifted.v1"
    summary: ClassVar[str] = "Every store lifted the restriction; outcome per category"

    reference: Reference
    outcomes: list[CategoryOutcome] = Field(default_factory=list)
