"""The recipients of customers' data (sub-processors, partners) are told of a change at the
mailboxes the operator configured, and a deployment without them does not start."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from contracts.notification import Medium, NotificationKind
from services.bootstrap import bootstrap
from services.notification import gateways
from services.notification.gateways import mailboxes
from services.notification.notices import RECIPIENTS
from services.notification.tables import metadata
from services.runtime.commands import transaction
from services.runtime.settings import Settings
from services.runtime.tasks import Task


def test_the_mailboxes_come_from_the_settings_as_json(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DSR_NOTICE_RECIPIENTS", '{"sous-traitants": ["dpo@hebergeur.ml"], '
                       '"partenaires": ["privacy@partenaire.ml", "juridique@partenaire.ml"]}')
    settings = Settings()
    assert mailboxes(settings, "partenaires") == ["privacy@partenaire.ml",
                                                  "juridique@partenaire.ml"]
    assert {r.address.removeprefix("destinataire:") for r in RECIPIENTS} == set(
        settings.notice_recipients)


def test_a_mailbox_that_is_not_an_address_is_refused_at_start(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DSR_NOTICE_RECIPIENTS", '{"partenaires": ["partenaires"]}')
    with pytest.raises(ValidationError, match="notice_recipients"):
        Settings()


def test_the_notification_worker_does_not_start_without_a_mailbox_for_each_recipient(
        tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, amqp_url=None, database_url=None,
                        notice_recipients={"sous-traitants": ["dpo@hebergeur.ml"]})
    with pytest.raises(ValueError, match="no mailbox for partenaires"):
        bootstrap(settings, names=("notification",), configure_logs=False)
    bootstrap(settings, names=("intake",), configure_logs=False).dispose()


def test_a_recipient_notice_is_handed_over_to_the_configured_mailboxes(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, amqp_url=None, database_url=None,
                        notice_recipients={"sous-traitants": ["dpo@hebergeur.ml"],
                                           "partenaires": ["a@p.ml", "b@p.ml"]})
    app = bootstrap(settings, names=("notification",), configure_logs=False)
    try:
        with transaction(app.engine("notification"), metadata, app.clock, settings,
                         "notification") as deps:
            gateways.hand_over(deps, "DSR-2026-000001/3", "DSR-2026-000001",
                               NotificationKind.RECIPIENT_NOTICE, Medium.EMAIL,
                               "destinataire:partenaires", "Bonjour", None)
            (outgoing,) = deps.outbox
    finally:
        app.dispose()
    assert isinstance(outgoing.event, Task)
    assert outgoing.event.payload["recipient"] == "a@p.ml, b@p.ml"
