"""E-mail through an SMTP relay that demands STARTTLS and a login (aiosmtpd on 127.0.0.1)."""

from __future__ import annotations

import datetime as dt
import ssl
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from contracts.notification import Medium
from services.delivery.channels import email_of
from services.delivery.smtp import SmtpGateway
from tests.conftest import embedded_settings
from tests.support.delivering import Mailbox, free_port
from tests.support.gateways import notice, write_pdf


def self_signed(directory: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=1))
            .not_valid_after(now + dt.timedelta(hours=1))
            .add_extension(x509.SubjectAlternativeName(
                [x509.IPAddress(__import__("ipaddress").ip_address("127.0.0.1"))]),
                critical=False)
            .sign(key, hashes.SHA256()))
    cert_file, key_file = directory / "relay.pem", directory / "relay.key"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_file, key_file


def check_login(server: Any, session: Any, envelope: Any, mechanism: str,
                data: Any) -> AuthResult:
    ok = isinstance(data, LoginPassword) and (data.login, data.password) == (b"dsr", b"s3cret")
    return AuthResult(success=ok)


@pytest.fixture
def relay(tmp_path: Path) -> Iterator[tuple[Mailbox, int, ssl.SSLContext]]:
    cert_file, key_file = self_signed(tmp_path)
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(cert_file, key_file)
    mailbox, port = Mailbox(), free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port, tls_context=server_tls,
                            require_starttls=True, authenticator=check_login,
                            auth_require_tls=True)
    controller.start()
    client_tls = ssl.create_default_context(cafile=str(cert_file))
    try:
        yield mailbox, port, client_tls
    finally:
        controller.stop()


def test_an_email_goes_through_starttls_and_login_with_its_pdf(
        relay: tuple[Mailbox, int, ssl.SSLContext], tmp_path: Path) -> None:
    mailbox, port, client_tls = relay
    settings = embedded_settings(tmp_path, smtp_host="127.0.0.1", smtp_port=port,
                                 smtp_user="dsr", smtp_password="s3cret")
    task = notice("Bonjour,\n\nVoici votre réponse.", Medium.EMAIL, "partenaires@example.ml",
                  document=write_pdf(tmp_path))
    SmtpGateway(settings, client_tls).send(email_of(task, settings.smtp_sender, tmp_path))
    (message,) = mailbox.messages
    assert message["To"] == "partenaires@example.ml"
    types = [part.get_content_type() for part in message.walk()]
    assert {"text/plain", "text/html", "application/pdf"} <= set(types)

