"""The final letter (rulebook §2.7): per category what was done; for what is kept or refused,
why and until when; the package and its expiry for access; always the APDP. Postal: PDF."""

from __future__ import annotations

import io

from pypdf import PdfReader

from contracts.backoffice import StoreOutcome
from contracts.notification import NotificationKind
from contracts.vocabulary import Action, Category
from services.access_package.pdf import letter_pdf
from services.notification.addressing import sms_address
from services.notification.rendering import render
from services.notification.sms import sms_parts
from services.notification.termination import termination_offer
from services.rulebook.retention import kept_for_contract

BASE = {"reference": "DSR-2026-000042", "right_fr": "suppression",
        "request_fr": "demande de suppression", "due_on": "02/12/2026",
        "received_on": "02/11/2026", "package_ref": None, "package": None}


def line(action: str, action_fr: str, reason: str | None = None,
         kept_until: str | None = None) -> dict[str, object]:
    return {"category_fr": "données de connexion et d'usage", "store_fr": "trafic",
            "action": action, "action_fr": action_fr, "records": 12, "reason": reason,
            "kept_until": kept_until}


def test_the_letter_says_what_is_kept_why_and_until_when() -> None:
    letter = render("outcome", "letter", **BASE, outcomes=[
        line("erase", "supprimées"),
        line("retain", "conservées", "données de trafic conservées 12 mois après l'événement",
             "05/10/2027"),
        line("retain", "conservées", "conservées tant que la dette est en cours de recouvrement"),
        line("refuse", "demande refusée"),
    ])
    kept = letter.split("Ce que nous conservons ou refusons, pourquoi et jusqu'à quand :")[1]
    assert "12 mois après l'événement ; jusqu'au 05/10/2027." in kept
    assert "recouvrement ; jusqu'à la fin de ce motif" in kept
    assert "obligation légale ; pour la durée de conservation" in kept  # refused, no reason
    assert kept.count("\n  - ") == 3  # the erased line is not among them
    assert "réponse à votre demande de suppression - référence DSR-2026-000042" in letter
    assert letter.rstrip().endswith("Le Service clients d'Orange Mali")
    assert "Autorité de Protection des Données à caractère Personnel (APDP)" in letter


def test_the_access_letter_names_the_package_and_its_expiry() -> None:
    letter = render("outcome", "letter", **{**BASE, "right_fr": "droit d'accès",
                                           "package_ref": "exports/DSR-2026-000042",
                                           "package": {"expires_on": "28/12/2026"}},
                    outcomes=[line("export", "copie communiquée")])
    assert "disponible jusqu'au 28/12/2026" in letter and "SMS" in letter
    assert "Ce que nous conservons" not in letter


def test_the_code_fits_one_sms() -> None:
    sms = render("package_code", "sms", **BASE, code="K7M2-9QXD-4RTP", expires_on="28/12/2026")
    assert "K7M2-9QXD-4RTP" in sms and "28/12/2026" in sms
    assert sms_parts(sms) == 1 and len(sms) <= 160


def test_a_letter_as_pdf_keeps_its_words() -> None:
    letter = render("outcome", "letter", **BASE, outcomes=[line("erase", "supprimées")])
    pdf = letter_pdf(letter, "Orange Mali - DSR-2026-000042")
    assert pdf.startswith(b"%PDF")
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "DSR-2026-000042" in text and "supprimées" in text and "(APDP)" in text


def test_a_request_closed_after_review_is_told_why_and_of_the_apdp() -> None:
    reason = "le système de facturation est remplacé"
    restored = render("failure", "letter", **BASE, reason=reason, restored=True)
    unsure = render("failure", "letter", **BASE, reason=reason, restored=False)
    sms = render("failure", "sms", **BASE, reason=reason, restored=True)
    assert reason in restored and "(APDP)" in restored and "est close" in restored
    assert "avant votre demande" in restored and "avant votre demande" not in unsure
    assert "APDP" in sms and sms_parts(sms) == 1 and len(sms) <= 160


def test_only_data_kept_for_the_running_contract_offers_termination() -> None:
    held = StoreOutcome(category=Category.CONNECTION_USAGE, action=Action.RETAIN, records=40,
                        reason="conservées au titre d'une obligation légale")
    erased = StoreOutcome(category=Category.PROFILES_SCORES, action=Action.ERASE, records=2)
    former = [held, erased]
    active = [*former, kept_for_contract(Category.IDENTIFICATION, 1),
              kept_for_contract(Category.CONTACT, 2), kept_for_contract(Category.CONTACT, 1)]
    assert termination_offer(former) is None
    offer = termination_offer(active)
    assert offer == {"categories_fr": ["données d'identification", "données de contact"]}
    letter = render("outcome", "letter", **BASE, outcomes=[], termination=offer)
    sms = render("outcome", "sms", **BASE, termination=offer)
    assert "résiliation" in letter and "B.P. : E 3991-Bamako-Mali" in letter
    assert "  - données de contact" in letter
    assert "résiliation au 7400" in sms and sms_parts(sms) == 1
    plain = render("outcome", "letter", **BASE, outcomes=[], termination=None)
    assert "résiliation" not in plain


def test_an_sms_reaches_the_number_given_only_while_it_may_be_the_subjects() -> None:
    """Rulebook §4: once discovery shows the number was not the subject's on the receipt
    date (a former customer's, perhaps recycled), what follows is held for the call centre."""
    reference = "DSR-2026-000007"
    outcome = NotificationKind.OUTCOME
    assert sms_address(outcome, reference, "+22370002000", None) == "+22370002000"
    assert sms_address(outcome, reference, "+22370002000", True) == "+22370002000"
    assert sms_address(outcome, reference, "+22370002000", False) == f"7400:{reference}"
    before = NotificationKind.ACKNOWLEDGEMENT
    assert sms_address(before, reference, "+22370002000", True) == f"7400:{reference}"
