"""One settings object, read once from ``DSR_*`` environment variables at start-up."""

from __future__ import annotations

import secrets
from functools import cached_property
from pathlib import Path
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

from pydantic import EmailStr, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DSR_", frozen=True)

    amqp_url: str | None = Field(default=None, description="RabbitMQ; unset runs in-process")
    amqp_nodes: str = Field(default="", description="the cluster's other nodes, host:port, "
                            "comma-separated; a worker whose node dies reconnects to the next")
    amqp_user: str | None = Field(default=None, description="overrides the URL's user")
    amqp_password: SecretStr | None = Field(default=None, description="or DSR_AMQP_PASSWORD_FILE")
    amqp_password_file: Path | None = None
    amqp_declare: bool = Field(default=True, description="declare the topology on connect; "
                               "false: only check it exists (users without configure)")
    amqp_ca_file: Path | None = Field(default=None, description="amqps://: CA bundle to trust")
    amqp_cert_file: Path | None = Field(default=None, description="amqps://: client cert")
    amqp_key_file: Path | None = Field(default=None, description="amqps://: client key")
    database_url: str | None = Field(default=None, description="PostgreSQL; unset uses SQLite")
    database_password_file: Path | None = Field(default=None,
                                                description="overrides the URL's password")
    database_sslmode: str | None = Field(default=None, description="libpq sslmode, e.g. "
                                         "verify-full")
    database_sslrootcert: Path | None = None
    database_sslcert: Path | None = None
    database_sslkey: Path | None = None
    data_dir: Path = Path("data")
    source: str = "urn:dsr"

    delivery_limit: int = Field(default=5, ge=1, description="quorum x-delivery-limit")
    max_attempts: int = Field(default=5, ge=1, description="handler retries before dead-letter")
    retry_delays_ms: tuple[int, ...] = (500, 2_000, 10_000, 60_000)
    prefetch: int = Field(default=64, ge=1)
    confirm_timeout_s: float = Field(default=15.0, gt=0)
    outbox_sweep_s: float = Field(default=2.0, gt=0)
    reconnect_max_s: float = Field(default=10.0, gt=0)
    handler_time_limit_s: float = Field(default=60.0, gt=0)

    internal_target_days: int = Field(default=5, ge=0, description="rulebook §2.5 default")
    document_reminder_days: int = Field(default=7, ge=1, description="rulebook §3.3 default")
    document_close_days_before_due: int = Field(default=3, ge=0,
                                                description="rulebook §3.3 default")
    store_reply_timeout_s: float = Field(
        default=300.0, gt=0,
        description="a discovery question or saga step without a store reply is re-sent after")
    store_attempts: int = Field(
        default=3, ge=1,
        description="sends of one discovery question or saga step before the store has failed")
    traffic_retention_months: int = Field(
        default=12, ge=1, description="rulebook §5 default: traffic data kept after the event")
    accounting_retention_years: int = Field(
        default=10, ge=1, description="rulebook §5 default (OHADA): after the financial year")
    restriction_lift_notice_days: int = Field(
        default=7, ge=0, description="a restriction is lifted this long after its notice")
    tick_s: float = Field(default=60.0, gt=0, description="how often `dsr clock` ticks")
    signing_key: SecretStr | None = Field(
        default=None, description="HMAC key for store commands; or DSR_SIGNING_KEY_FILE")
    signing_key_file: Path | None = None
    command_max_age_s: float = Field(default=86_400.0, gt=0,
                                     description="older signed commands are refused")
    clock_skew_s: float = Field(
        default=300.0, ge=0, description="how far ahead of this clock a sender's clock may be: "
        "a receipt time later than now plus this is refused")
    package_expiry_days: int = Field(default=30, ge=1,
                                     description="rulebook §6 default: the access package expires")
    package_pdf_max_rows: int = Field(
        default=2_000, ge=0,
        description="rows per category printed in a postal package's PDF; the rest stay in "
                    "its JSON and HTML documents")
    smsc_host: str | None = Field(default=None, description="SMSC (SMPP 3.4); unset: no SMS "
                                  "leaves (the delivery worker refuses to start its SMS actor)")
    smsc_port: int = Field(default=2775, ge=1, le=65535)
    smsc_system_id: str = "dsr"
    smsc_password: SecretStr | None = Field(default=None, description="or DSR_SMSC_PASSWORD_FILE")
    smsc_password_file: Path | None = None
    smsc_sender: str = Field(default="7400", description="SMS sender id (source_addr)")
    smsc_tps: float = Field(default=50.0, gt=0, description="contracted submit_sm per second")
    smsc_receipts: bool = Field(default=True, description="bind a receiver for deliver_sm "
                                "delivery receipts")
    sms_receipt_timeout_h: float = Field(
        default=48.0, gt=0, description="a sent SMS with no delivery receipt after this long "
        "is taken as expired (never delivered, or a part in doubt after a crash): its letter "
        "or the call centre's call follows")
    smsc_throttle_wait_s: float = Field(default=1.0, gt=0,
                                        description="pause after ESME_RTHROTTLED")
    smtp_host: str | None = Field(default=None, description="SMTP relay; unset: no e-mail")
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_starttls: bool = True
    smtp_user: str | None = None
    smtp_password: SecretStr | None = Field(default=None, description="or DSR_SMTP_PASSWORD_FILE")
    smtp_password_file: Path | None = None
    smtp_sender: str = "Orange Mali - Donnees personnelles <dpo@orangemali.example>"
    notice_recipients: dict[str, list[EmailStr]] = Field(
        default={"sous-traitants": ["dpo.sous-traitants@orangemali.example"],
                 "partenaires": ["dpo.partenaires@orangemali.example"]},
        description="the mailboxes of each recipient of customers' data told of a change "
        "(services/notification/notices.py), as JSON; every recipient needs one")
    smtp_per_minute: float = Field(default=120.0, gt=0, description="relay's contracted limit")
    print_room_dir: Path | None = Field(default=None, description="where letters go for "
                                        "printing; unset: <data dir>/print-room")
    delivery_max_retries: int = Field(default=20, ge=0, description="gateway retries of a "
                                      "notice before it has failed for good")
    delivery_min_backoff_ms: int = Field(default=1_000, ge=1)
    delivery_max_backoff_ms: int = Field(default=300_000, ge=1)
    delivery_threads: int = Field(default=4, ge=1, description="dramatiq worker threads")
    health_port: int = Field(default=8400, ge=0, le=65535,
                             description="GET /health on 127.0.0.1; 0 disables it")
    log_level: str = "INFO"
    log_json: bool = True

    console_host: str = Field(default="127.0.0.1", description="`dsr console` listens here")
    console_port: int = Field(default=8500, ge=1, le=65535)
    console_secret_key: SecretStr | None = Field(
        default=None, description="signs the console's session cookies; or its _FILE")
    console_secret_key_file: Path | None = None
    console_session_minutes: int = Field(default=480, ge=1,
                                         description="a console session expires after")
    console_lockout_attempts: int = Field(default=5, ge=1,
                                          description="failed sign-ins before a lock-out")
    console_lockout_minutes: int = Field(default=15, ge=1)
    console_tls_cert_file: Path | None = Field(default=None,
                                               description="serve HTTPS; cookies Secure")
    console_tls_key_file: Path | None = None
    console_page_size: int = Field(default=50, ge=5, le=500)

    @cached_property
    def command_key(self) -> bytes:
        """The deployment's signing key; without one, a key for this process alone (embedded)."""
        if self.signing_key is not None:
            return self.signing_key.get_secret_value().encode()
        if self.signing_key_file is not None:
            return self.signing_key_file.read_bytes().strip()
        return _PROCESS_KEY

    @cached_property
    def console_key(self) -> str:
        """The console's session-signing key; without one, a key for this process alone."""
        secret = _secret(self.console_secret_key, self.console_secret_key_file)
        return secret if secret is not None else _PROCESS_KEY.hex()

    @property
    def console_tls(self) -> bool:
        return self.console_tls_cert_file is not None and self.console_tls_key_file is not None

    @property
    def broker_url(self) -> str | None:
        """``amqp_url`` with ``amqp_user`` and the password (env or file) put in it."""
        if self.amqp_url is None:
            return None
        password = _secret(self.amqp_password, self.amqp_password_file)
        if self.amqp_user is None and password is None:
            return self.amqp_url
        parts = urlsplit(self.amqp_url)
        user = self.amqp_user if self.amqp_user is not None else unquote(parts.username or "")
        if password is None:
            password = unquote(parts.password or "")
        host = parts.hostname or "localhost"
        host = f"[{host}]" if ":" in host else host
        netloc = f"{quote(user, safe='')}:{quote(password, safe='')}@{host}"
        netloc += f":{parts.port}" if parts.port else ""
        return urlunsplit(parts._replace(netloc=netloc))

    @property
    def broker_urls(self) -> list[str]:
        """``broker_url`` first, then the same URL on each of ``amqp_nodes``."""
        url = self.broker_url
        if url is None:
            return []
        parts = urlsplit(url)
        credentials = parts.netloc.rpartition("@")[0]
        prefix = f"{credentials}@" if credentials else ""
        nodes = [node.strip() for node in self.amqp_nodes.split(",") if node.strip()]
        return [url, *(urlunsplit(parts._replace(netloc=prefix + node)) for node in nodes)]

    @property
    def database_dsn(self) -> str | None:
        """``database_url`` with the password file and the TLS settings put in it."""
        if self.database_url is None:
            return None
        parts = urlsplit(self.database_url)
        password = _secret(None, self.database_password_file)
        if password is not None:
            host = parts.netloc.rpartition("@")[2]
            user = quote(unquote(parts.username or ""), safe="")
            parts = parts._replace(netloc=f"{user}:{quote(password, safe='')}@{host}")
        query = dict(parse_qsl(parts.query))
        for key, value in (("sslmode", self.database_sslmode),
                           ("sslrootcert", self.database_sslrootcert),
                           ("sslcert", self.database_sslcert),
                           ("sslkey", self.database_sslkey)):
            if value is not None:
                query[key] = str(value)
        return urlunsplit(parts._replace(query=urlencode(query)))

    @property
    def print_room(self) -> Path:
        return self.print_room_dir or self.data_dir / "print-room"

    def smsc_secret(self) -> str:
        return _secret(self.smsc_password, self.smsc_password_file) or ""

    def smtp_secret(self) -> str | None:
        return _secret(self.smtp_password, self.smtp_password_file)

    def retry_delay_ms(self, attempt: int) -> int:
        """Backoff for the given 1-based attempt, capped at the longest tier."""
        return self.retry_delays_ms[min(attempt, len(self.retry_delays_ms)) - 1]


_PROCESS_KEY = secrets.token_bytes(32)


def _secret(value: SecretStr | None, file: Path | None) -> str | None:
    """A secret from the environment, else from a file (a Docker or Kubernetes secret)."""
    if value is not None:
        return value.get_secret_value()
    if file is not None:
        return file.read_text().strip()
    return None
