"""The SMTP relay (smtplib): STARTTLS and authentication from the settings."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage

from services.delivery.ports import GatewayRefused, GatewayUnavailable
from services.runtime.settings import Settings


class SmtpGateway:
    def __init__(self, settings: Settings, context: ssl.SSLContext | None = None) -> None:
        self._settings = settings
        self._context = context or ssl.create_default_context()

    def send(self, message: EmailMessage) -> None:
        s = self._settings
        assert s.smtp_host, "DSR_SMTP_HOST is not set"
        try:
            with smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=30) as relay:
                if s.smtp_starttls:
                    relay.starttls(context=self._context)
                if s.smtp_user:
                    relay.login(s.smtp_user, s.smtp_secret() or "")
                relay.send_message(message)
        except smtplib.SMTPAuthenticationError as e:  # our settings are wrong: wait for a fix
            raise GatewayUnavailable(f"SMTP relay refused our login ({e.smtp_code})") from e
        except smtplib.SMTPResponseException as e:
            kind = GatewayUnavailable if 400 <= e.smtp_code < 500 else GatewayRefused
            raise kind(f"SMTP relay answered {e.smtp_code}") from e
        except smtplib.SMTPRecipientsRefused as e:
            raise GatewayRefused("SMTP relay refused the recipient") from e
        except (OSError, smtplib.SMTPException) as e:
            raise GatewayUnavailable(f"SMTP relay unreachable: {e!r}") from e
