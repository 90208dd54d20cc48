"""The identity worker's rows: one verification per request."""

from __future__ import annotations

from services.identity.tables import verifications
from services.runtime.repository import ByReference

VERIFICATIONS = ByReference(verifications, "verification")
