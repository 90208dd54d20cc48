"""One settings object, read once from ``DSR_*`` environment variables at start-up."""

from __future__ import annotations

import secrets
from functools import cached_property
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DSR_", frozen=True)

    amqp_url: str | None = Field(default=None, description="RabbitMQ; unset runs in-process")
    database_url: str | None = Field(default=None, description="PostgreSQL; unset uses SQLite")
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
    tick_s: float = Field(default=60.0, gt=0, description="how often `dsr clock` ticks")
    signing_key: SecretStr | None = Field(
        default=None, description="HMAC key for store commands; or DSR_SIGNING_KEY_FILE")
    signing_key_file: Path | None = None
    command_max_age_s: float = Field(default=86_400.0, gt=0,
                                     description="older signed commands are refused")
    health_port: int = Field(default=8400, ge=0, le=65535,
                             description="GET /health on 127.0.0.1; 0 disables it")
    log_level: str = "INFO"
    log_json: bool = True

    @cached_property
    def command_key(self) -> bytes:
        """The deployment's signing key; without one, a key for this process alone (embedded)."""
        if self.signing_key is not None:
            return self.signing_key.get_secret_value().encode()
        if self.signing_key_file is not None:
            return self.signing_key_file.read_bytes().strip()
        return _PROCESS_KEY

    def retry_delay_ms(self, attempt: int) -> int:
        """Backoff for the given 1-based attempt, capped at the longest tier."""
        return self.retry_delays_ms[min(attempt, len(self.retry_delays_ms)) - 1]


_PROCESS_KEY = secrets.token_bytes(32)
