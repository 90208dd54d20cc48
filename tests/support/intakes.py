"""Intake events as the call centre would send them."""

from __future__ import annotations

import base64
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

from contracts.envelope import CloudEvent
from contracts.intake import IdentityDocument, RequestDetails, RequestSubmitted, SubjectClaim
from contracts.vocabulary import Channel, DocumentKind, Right

RECEIVED = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
#: Where the end-to-end clock starts: an hour after the intakes were received, whatever the date.
RUN_STARTS = RECEIVED + timedelta(hours=1)
SCAN = base64.b64encode(b"%PDF-1.4 scanned NINA card of the subject").decode()


def nina_card(holder: str, number: str, born: date | None,
              expires: date = date(2031, 1, 1), scan: str | None = SCAN) -> IdentityDocument:
    return IdentityDocument(kind=DocumentKind.NINA_CARD, number=number, holder_name=holder,
                            date_of_birth=born, expires_on=expires, copy_base64=scan)


def intake(right: Right, msisdn: str, name: str, document: IdentityDocument | None = None,
           channel_reference: str | None = None, received_at: datetime = RECEIVED,
           customer_code: str | None = None, **details: Any) -> CloudEvent:
    submitted = RequestSubmitted(
        channel=Channel.CALLCENTRE, channel_reference=channel_reference or f"call-{uuid.uuid4()}",
        received_at=received_at, right=right,
        subject=SubjectClaim(msisdn=msisdn, full_name=name, customer_code=customer_code),
        identity_document=document, details=RequestDetails(**details))
    return CloudEvent.wrap(submitted, source="urn:callcentre:7400")
