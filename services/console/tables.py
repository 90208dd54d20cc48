"""The console's own database: staff users, their role and language, and lock-out counters.

Sessions are signed, expiring cookies (no table); the subject's personal data is never here.
"""

from sqlalchemy import Column, Integer, String, Table, text

from services.runtime.database import UtcDateTime, service_metadata

metadata = service_metadata()

staff_users = Table(
    "staff_users",
    metadata,
    Column("username", String(80), primary_key=True),
    Column("full_name", String(120), nullable=False),
    Column("role", String(20), nullable=False),
    Column("language", String(2), nullable=False),
    Column("password_hash", String(200), nullable=False),
    Column("failed_logins", Integer, nullable=False, default=0, server_default=text("0")),
    Column("locked_until", UtcDateTime(), nullable=True),
    Column("last_login_at", UtcDateTime(), nullable=True),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
)
