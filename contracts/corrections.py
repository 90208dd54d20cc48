"""What a rectification may ask to correct: every field a store knows, and nothing else.

A key the contract does not define is refused at intake with its name, never passed on to
the stores. Each value is bounded by the store column it lands in (``CORRECTION_MAX_LENGTHS``).
"""

from __future__ import annotations

from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    ValidationInfo,
    field_validator,
    model_serializer,
)

from contracts.text import CORRECTION_MAX_LENGTHS as LIMITS
from contracts.text import MAX_CORRECTION_CHARS, CorrectionValue
from contracts.vocabulary import Category

#: Rulebook §6: these change only to a value the verified identity document shows.
IDENTITY_FIELDS: dict[str, Category] = {
    "full_name": Category.IDENTIFICATION, "given_names": Category.IDENTIFICATION,
    "surname": Category.IDENTIFICATION, "nina": Category.IDENTIFICATION,
    "rccm": Category.IDENTIFICATION, "nif": Category.IDENTIFICATION,
    "profession": Category.IDENTIFICATION,
    "date_of_birth": Category.PERSONAL_CHARACTERISTICS,
    "place_of_birth": Category.PERSONAL_CHARACTERISTICS,
    "gender": Category.PERSONAL_CHARACTERISTICS,
    "nationality": Category.PERSONAL_CHARACTERISTICS,
}


class Corrections(BaseModel):
    """rectification: the new value of each field to correct (an absent field is kept)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    # Contact data: corrected directly (CRM contact points; the billing address follows).
    email: CorrectionValue | None = None
    phone: CorrectionValue | None = None
    fax: CorrectionValue | None = None
    address: CorrectionValue | None = None
    postal_address: CorrectionValue | None = None
    billing_address: CorrectionValue | None = None
    # Identity (IDENTITY_FIELDS): only a value the verified identity document shows.
    full_name: CorrectionValue | None = Field(None, max_length=LIMITS["full_name"])
    given_names: CorrectionValue | None = Field(None, max_length=LIMITS["given_names"])
    surname: CorrectionValue | None = Field(None, max_length=LIMITS["surname"])
    nina: CorrectionValue | None = Field(None, max_length=LIMITS["nina"])
    rccm: CorrectionValue | None = Field(None, max_length=LIMITS["rccm"])
    nif: CorrectionValue | None = Field(None, max_length=LIMITS["nif"])
    profession: CorrectionValue | None = Field(None, max_length=LIMITS["profession"])
    date_of_birth: CorrectionValue | None = Field(
        None, max_length=LIMITS["date_of_birth"], description="YYYY-MM-DD")
    place_of_birth: CorrectionValue | None = Field(None, max_length=LIMITS["place_of_birth"])
    gender: CorrectionValue | None = Field(None, max_length=LIMITS["gender"])
    nationality: CorrectionValue | None = Field(None, max_length=LIMITS["nationality"])
    # Usage records: facts, never edited; naming one opens a dispute (the value says what is
    # disputed) and restricts the disputed items meanwhile.
    invoice: CorrectionValue | None = None
    invoices: CorrectionValue | None = None
    payment: CorrectionValue | None = None
    payments: CorrectionValue | None = None
    consumption: CorrectionValue | None = None
    cdr: CorrectionValue | None = None
    calls: CorrectionValue | None = None
    sms: CorrectionValue | None = None
    data_sessions: CorrectionValue | None = None
    counterpart: CorrectionValue | None = None
    connection_usage: CorrectionValue | None = None
    location: CorrectionValue | None = None

    @field_validator("*", mode="before")
    @classmethod
    def _fits_its_column(cls, value: object, info: ValidationInfo) -> object:
        """Said in characters, with the field's own limit (the schema states it too)."""
        limit = LIMITS.get(info.field_name or "", MAX_CORRECTION_CHARS)
        if isinstance(value, str) and len(value) > limit:
            raise ValueError(f"at most {limit} characters, {len(value)} given")
        return value

    @model_serializer(mode="wrap")
    def _only_given(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        """On the wire as the fields given, as before: ``{"email": "…"}``."""
        return {key: value for key, value in handler(self).items() if value is not None}

    def given(self) -> dict[str, str]:
        """field -> new value, for the fields given."""
        return {key: value for key, value in self if value is not None}
