"""Who may do what in the console (pure). The server checks every request against these."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    AGENT = "agent"
    REVIEWER = "reviewer"
    DPO = "dpo"
    OPERATOR = "operator"
    MAIL_ROOM = "mailroom"


class Permission(StrEnum):
    READ_REQUESTS = "read_requests"
    ATTACH_DOCUMENT = "attach_document"
    DECIDE_IDENTITY = "decide_identity"
    DECIDE_FULFILMENT = "decide_fulfilment"
    LIFT_RESTRICTION = "lift_restriction"
    DEAD_LETTERS = "dead_letters"
    DASHBOARD = "dashboard"
    REGISTER = "register"
    CALLS = "calls"
    MAIL_ROOM = "mail_room"


P = Permission
GRANTS: dict[Role, frozenset[Permission]] = {
    Role.AGENT: frozenset({P.READ_REQUESTS, P.ATTACH_DOCUMENT, P.CALLS}),
    Role.REVIEWER: frozenset({P.READ_REQUESTS, P.DECIDE_IDENTITY, P.DECIDE_FULFILMENT,
                              P.LIFT_RESTRICTION}),
    Role.OPERATOR: frozenset({P.DEAD_LETTERS}),
    Role.MAIL_ROOM: frozenset({P.MAIL_ROOM}),
    Role.DPO: frozenset(Permission),
}


def may(role: Role, permission: Permission) -> bool:
    return permission in GRANTS[role]


def home(role: Role) -> str:
    """Where a role lands after signing in."""
    if may(role, P.READ_REQUESTS):
        return "/requests"
    if may(role, P.MAIL_ROOM):
        return "/mail-room"
    return "/dead-letters"
