"""Staff users: added by ``dsr console user add``, signed in through the console."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, insert, select, update

from services.console.lockout import Lockout
from services.console.roles import Role
from services.console.tables import staff_users

HASHER = PasswordHasher()
#: Verified against when the user is unknown, so an unknown name takes as long as a known one.
_DUMMY = HASHER.hash("not a password anyone has")
LANGUAGES = ("fr", "en")


@dataclass(frozen=True)
class Staff:
    username: str
    full_name: str
    role: Role
    language: str


class UserExists(ValueError):
    pass


def add_user(engine: Engine, username: str, full_name: str, role: Role, language: str,
             password: str, now: datetime) -> Staff:
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}")
    if len(password) < 10:
        raise ValueError("a staff password has at least 10 characters")
    with engine.begin() as conn:
        if conn.execute(select(staff_users.c.username)
                        .where(staff_users.c.username == username)).first():
            raise UserExists(f"user {username!r} exists already")
        conn.execute(insert(staff_users).values(
            username=username, full_name=full_name, role=role.value, language=language,
            password_hash=HASHER.hash(password), failed_logins=0, created_at=now,
            updated_at=now))
    return Staff(username, full_name, role, language)


def staff(engine: Engine, username: str) -> Staff | None:
    with engine.connect() as conn:
        row = conn.execute(select(staff_users).where(staff_users.c.username == username)).first()
    return None if row is None else Staff(row.username, row.full_name, Role(row.role),
                                          row.language)


class SignIn:
    """Checks a password, counting failures and locking the account after too many."""

    LOCKED = "locked"
    REFUSED = "refused"

    def __init__(self, engine: Engine, lockout: Lockout) -> None:
        self._engine = engine
        self._lockout = lockout

    def attempt(self, username: str, password: str, now: datetime) -> Staff | str:
        """The staff member, or why not: ``locked`` or ``refused`` (never which part failed)."""
        t = staff_users.c
        with self._engine.begin() as conn:
            row = conn.execute(select(staff_users).where(t.username == username)
                               .with_for_update()).first()
            if row is None:
                _verify(_DUMMY, password)
                return self.REFUSED
            if self._lockout.locked(row.locked_until, now):
                return self.LOCKED
            if not _verify(row.password_hash, password):
                failures, until = self._lockout.after_failure(row.failed_logins, now)
                conn.execute(update(staff_users).where(t.username == username).values(
                    failed_logins=failures, locked_until=until, updated_at=now))
                return self.LOCKED if until else self.REFUSED
            conn.execute(update(staff_users).where(t.username == username).values(
                failed_logins=0, locked_until=None, last_login_at=now, updated_at=now))
        return Staff(row.username, row.full_name, Role(row.role), row.language)


def _verify(stored: str, password: str) -> bool:
    try:
        return HASHER.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False
