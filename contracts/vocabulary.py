"""The words of the domain, as contract values (rulebook §1, §4)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import Field


class Right(StrEnum):
    ACCESS = "access"
    RECTIFICATION = "rectification"
    ERASURE = "erasure"
    OBJECTION = "objection"
    RESTRICTION = "restriction"


class Channel(StrEnum):
    CALLCENTRE = "callcentre"
    POSTAL = "postal"
    SHOP = "shop"
    EMAIL = "email"


class Category(StrEnum):
    IDENTIFICATION = "identification"
    PERSONAL_CHARACTERISTICS = "personal_characteristics"
    CONTACT = "contact"
    ECONOMIC_FINANCIAL = "economic_financial"
    CONNECTION_USAGE = "connection_usage"
    PRODUCTS_SERVICES = "products_services"
    AGENT_INTERACTIONS = "agent_interactions"
    DEVICE = "device"
    PROFILES_SCORES = "profiles_scores"
    LOCATION = "location"


class Purpose(StrEnum):
    """A processing purpose a customer may object to (rulebook §6 Objection)."""

    DIRECT_MARKETING = "direct_marketing"
    COMMERCIAL_EVENTS = "commercial_events"
    TOMBOLAS = "tombolas"
    MARKETING_SURVEYS = "marketing_surveys"
    MARKETING_PROFILING = "marketing_profiling"
    USAGE_ANALYTICS = "usage_analytics"
    CUSTOMER_KNOWLEDGE_SURVEYS = "customer_knowledge_surveys"
    FRAUD_PREVENTION = "fraud_prevention"
    PLATFORM_SECURITY = "platform_security"
    SAFETY_OF_PERSONS = "safety_of_persons"
    CONTRACT_PERFORMANCE = "contract_performance"
    LEGAL_OBLIGATION = "legal_obligation"


class Store(StrEnum):
    CRM = "crm"
    BILLING = "billing"
    CDR = "cdr"


class DocumentKind(StrEnum):
    NINA_CARD = "nina_card"
    PASSPORT = "passport"
    CONSULAR_CARD = "consular_card"
    PROFESSIONAL_CARD = "professional_card"
    RCCM_EXTRACT = "rccm_extract"


class RequestState(StrEnum):
    REGISTERED = "registered"
    DOCUMENT_REQUESTED = "document_requested"
    MANUAL_REVIEW = "manual_review"
    IDENTITY_VERIFIED = "identity_verified"
    IDENTITY_REJECTED = "identity_rejected"
    DATA_DISCOVERED = "data_discovered"
    FULFILLED = "fulfilled"
    COMPLETED = "completed"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"

    @property
    def is_final(self) -> bool:
        return self in {RequestState.COMPLETED, RequestState.CLOSED, RequestState.WITHDRAWN}


class Action(StrEnum):
    """What fulfilment does to one category of data in one store."""

    EXPORT = "export"
    RECTIFY = "rectify"
    ERASE = "erase"
    ANONYMISE = "anonymise"
    RESTRICT = "restrict"
    OPT_OUT = "opt_out"
    RETAIN = "retain"
    REFUSE = "refuse"


Msisdn = Annotated[
    str,
    Field(pattern=r"^\+223[0-9]{8}$", max_length=12,
          description="Malian MSISDN in E.164 form, +223 and 8 digits"),
]
Reference = Annotated[
    str,
    Field(pattern=r"^DSR-[0-9]{4}-[0-9]{6}$", max_length=15,
          description="Human reference, DSR-YYYY-NNNNNN"),
]
