"""A check's result: the failure's code, and the English note staff read.

The customer's letter words each code in French (``services.notification.wording``); neither
the note nor the wording reveals what the CRM holds.
"""

from __future__ import annotations

from contracts.identity import CheckResult, IdentityFailure

F = IdentityFailure

NOTES: dict[IdentityFailure, str] = {
    F.DOCUMENT_NOT_ACCEPTED: "this kind of document is not accepted for this customer",
    F.DOCUMENT_EXPIRED: "the document had expired, or has no expiry date, on the day of receipt",
    F.DOCUMENT_NOT_RECEIVED: "no valid identity document was received in time",
    F.PASSPORT_MRZ_INVALID: "the passport's machine-readable zone is invalid or disagrees with "
                            "the document",
    F.CUSTOMER_NOT_FOUND: "no customer matches the details given",
    F.NAME_CLOSE: "the name is close to, but not the same as, our records",
    F.NAME_MISMATCH: "the name on the document does not match our records",
    F.NAME_MIXES_SCRIPTS: "the name mixes letters of different scripts (look-alike letters): "
                          "a person compares it with the document",
    F.DATE_OF_BIRTH_MISMATCH: "the date of birth does not match our records",
    F.NINA_MISMATCH: "the NINA does not match our records",
    F.MSISDN_NOT_HELD: "the number given did not belong to this customer on the day of receipt",
    F.NUMBER_NEVER_HELD: "the number given never belonged to this former customer",
    F.REGISTRATION_NUMBER_MISMATCH: "the RCCM or NIF number does not match our records",
    F.REPRESENTATIVE_MISSING: "a company's request must be made by its representative, with a "
                              "mandate",
    F.REPRESENTATIVE_DOCUMENT_INVALID: "the representative's identity document is missing, not "
                                       "accepted or expired",
    F.REPRESENTATIVE_NAME_MISMATCH: "the representative's name does not match their document",
    F.REPRESENTATIVE_NOT_ON_FILE: "the person acting is not the representative on file: a "
                                  "back-office operator must check the mandate",
    F.MANDATE_MISSING: "the mandate is missing or unreadable",
    F.REVIEW_NOT_CONFIRMED: "a back-office review did not confirm the identity",
}


def check(name: str, passed: bool, failure: IdentityFailure,
          inconclusive: bool = False) -> CheckResult:
    """The result of check ``name``; ``failure`` says why when it did not pass."""
    if passed:
        return CheckResult(check=name, passed=True)
    return CheckResult(check=name, passed=False, inconclusive=inconclusive, failure=failure,
                       note=NOTES[failure])
