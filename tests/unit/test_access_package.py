"""The access package: content per category, masks, no requisition, monthly summaries,
streaming, sealing (round trip, wrong code, expiry, tampering) and the postal PDF."""

from __future__ import annotations

import io
import json
import tracemalloc
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from pydantic import SecretStr
from pypdf import PdfReader

from contracts.backoffice import Holding
from contracts.vocabulary import Category, Store
from services.access_package import sealing
from services.access_package.builder import (
    build_package,
    package_directory,
    read_manifest,
    rekey,
)
from services.access_package.catalogue import TRANSFERS
from services.access_package.opening import PackageRefused, open_package
from services.access_package.reading import ExportError
from services.cli.main import main
from services.notification import packages
from services.rulebook.purposes import SEGMENTATION_LOGIC
from services.rulebook.retention import Retention
from services.runtime.errors import Reject
from services.runtime.settings import Settings
from simulators.stores.exports import ExportFile, mask_msisdn, mask_rib
from tests.unit.test_stores_support import Backend, seeded_stores

REFERENCE = "DSR-2026-000042"
REF = f"exports/{REFERENCE}"
NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
SECRET = b"deployment secret for the tests"
FAST = (2**10, 8, 1)  # scrypt cost for tests; the default is 2**15
RETENTION = Retention(traffic_months=12, accounting_years=10)
U = Category.CONNECTION_USAGE


def cdr_rows(count: int) -> Iterator[dict[str, Any]]:
    """``count`` events over Sep-Nov 2026: a third each month, voice 60 s, sms, data 100 kB."""
    months = ("2026-09", "2026-10", "2026-11")
    for i in range(count):
        kind = ("voice", "sms", "data")[i % 3]
        yield {"id": i, "msisdn": "+22370001002", "kind": kind,
               "counterpart": mask_msisdn(f"+223760{i % 10000:05d}"[:12]) if kind != "data"
               else None,
               "started_at": f"{months[i % 3]}-1{i % 10}T10:00:00+00:00",
               "duration_s": 60 if kind == "voice" else None,
               "volume_kb": 100 if kind == "data" else None, "ip_address": None,
               "restricted": False}


def write_exports(data_dir: Path, cdr_count: int = 30, rib: str | None = None,
                  counterpart: str | None = None) -> None:
    """Export files as the stores write them (their own writer and masks)."""
    with ExportFile(data_dir, REFERENCE, Store.CRM) as out:
        out.write(Category.IDENTIFICATION, "customers",
                  {"customer_code": "CM-100002", "full_name": "Moussa Keïta", "nina": "1791Y"})
        out.write(Category.PROFILES_SCORES, "profiles",
                  {"segment": "jeune urbain", "score": 24, "inputs": "{\"arpu_xof\": 32107}"})
        out.write_bytes(b'{"store": "crm", "category": "identification", "source": "holds", '
                        b'"record": {"kind": "requisition", "reference": "PV-2026-77"}}\n')
    with ExportFile(data_dir, REFERENCE, Store.BILLING) as out:
        out.write(Category.ECONOMIC_FINANCIAL, "bank_details",
                  {"account_no": "AC-100002",
                   "rib": rib if rib is not None else mask_rib("ML 123 01001 012345678901 23")})
    with ExportFile(data_dir, REFERENCE, Store.CDR) as out:
        for row in cdr_rows(cdr_count):
            if counterpart is not None and row["counterpart"]:
                row["counterpart"] = counterpart
            out.write(U, "cdr_events", row)
        for row in cdr_rows(cdr_count):
            out.write(Category.LOCATION, "cdr_events",
                      {"id": row["id"], "started_at": row["started_at"], "cell_id": "BKO-001",
                       "town": "Bamako" if row["id"] % 2 else "Ségou"})


def build(data_dir: Path, **options: Any) -> Any:
    return build_package(data_dir, REFERENCE, REF, now=NOW, expiry_days=30, secret=SECRET,
                         retention=RETENTION,
                         scrypt=FAST, **options)


def opened(data_dir: Path, built: Any, now: datetime = NOW) -> dict[str, Path]:
    paths = open_package(built.directory, built.code, data_dir / "desk", now)
    return {path.name: path for path in paths}


def test_each_category_carries_its_notice_and_its_records(tmp_path: Path) -> None:
    write_exports(tmp_path)
    built = build(tmp_path)
    files = opened(tmp_path, built)
    document = json.loads(files["package.json"].read_text())
    categories = {c["category"]: c for c in document["categories"]}
    assert document["reference"] == REFERENCE and document["transfers"] == TRANSFERS
    assert set(categories) == {"identification", "economic_financial", "connection_usage",
                               "profiles_scores", "location"}
    usage = categories["connection_usage"]
    assert usage["source_systems"] == ["plateforme de trafic du réseau (relevés d'appels, CDR)"]
    assert "obligation légale ou réglementaire" in usage["legal_bases"]
    assert usage["retention"].startswith("12 mois") and usage["purposes"]
    assert usage["record_count"] == len(usage["records"]) == 30
    assert categories["profiles_scores"]["logic"] == SEGMENTATION_LOGIC
    assert any("autorités compétentes" in r for r in categories["identification"]["recipients"])
    html = files["package.html"].read_text()
    assert '<html lang="fr">' in html and "Moussa Keïta" in html
    assert "Logique de la segmentation" in html and "Transferts hors du Mali" in html


def test_masks_are_the_stores_and_are_not_applied_twice(tmp_path: Path) -> None:
    write_exports(tmp_path)
    document = json.loads(opened(tmp_path, build(tmp_path))["package.json"].read_text())
    records = {c["category"]: c["records"] for c in document["categories"]}
    rib = records["economic_financial"][0]["record"]["rib"]
    assert rib == mask_rib("ML 123 01001 012345678901 23") and rib.endswith("0123")
    counterparts = {r["record"]["counterpart"] for r in records["connection_usage"]}
    assert "+22376****00" in counterparts and None in counterparts


@pytest.mark.parametrize("leak", [{"rib": "ML12301001012345678901 23"},
                                  {"counterpart": "+22376001234"}])
def test_an_unmasked_export_is_refused_not_patched(tmp_path: Path, leak: dict[str, str]) -> None:
    write_exports(tmp_path, rib=leak.get("rib"), counterpart=leak.get("counterpart"))
    with pytest.raises(ExportError, match="not masked"):
        build(tmp_path)
    assert not list((tmp_path / "packages" / REFERENCE).glob("*.enc"))


def test_a_requisition_never_reaches_the_package(tmp_path: Path) -> None:
    write_exports(tmp_path)
    files = opened(tmp_path, build(tmp_path, postal=True))
    for name in ("package.json", "package.html"):
        text = files[name].read_text()
        assert "requisition" not in text and "PV-2026-77" not in text
    document = json.loads(files["package.json"].read_text())
    identification = next(c for c in document["categories"] if c["category"] == "identification")
    assert [r["source"] for r in identification["records"]] == ["customers"]


def test_monthly_summaries_count_every_event_of_each_month(tmp_path: Path) -> None:
    write_exports(tmp_path, cdr_count=300)
    document = json.loads(opened(tmp_path, build(tmp_path))["package.json"].read_text())
    summaries = {c["category"]: c["monthly_summary"] for c in document["categories"]}
    assert summaries["connection_usage"] == [
        {"month": "2026-09", "events": 100, "by_kind": {"voice": 100},
         "duration_s": 6000, "volume_kb": 0},
        {"month": "2026-10", "events": 100, "by_kind": {"sms": 100},
         "duration_s": 0, "volume_kb": 0},
        {"month": "2026-11", "events": 100, "by_kind": {"data": 100},
         "duration_s": 0, "volume_kb": 10000},
    ]
    assert [m["towns"] for m in summaries["location"]] == [["Bamako", "Ségou"]] * 3
    assert summaries["identification"] == []


def peak_of_build(data_dir: Path, rows: int) -> int:
    write_exports(data_dir, cdr_count=rows)
    tracemalloc.start()
    try:
        build(data_dir)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_the_build_streams_memory_does_not_grow_with_the_rows(tmp_path: Path) -> None:
    """30 times the rows, about the same peak (``bench/package.py`` measures 100,000 CDR rows
    of the heavy user; under tracemalloc that is too slow for the unit tier)."""
    small = peak_of_build(tmp_path / "small", 1_000)
    heavy = peak_of_build(tmp_path / "heavy", 30_000)
    assert heavy < 1.5 * small + 500_000, (small, heavy)
    assert heavy < 6_000_000, heavy


def test_only_the_code_opens_the_package_and_nothing_is_left_in_clear(tmp_path: Path) -> None:
    write_exports(tmp_path)
    built = build(tmp_path, postal=True)
    assert sorted(p.name for p in built.directory.iterdir()) == [
        "manifest.json", "package.html.enc", "package.json.enc", "package.pdf.enc"]
    for path in built.directory.iterdir():
        assert b"Moussa" not in path.read_bytes() and b"CM-100002" not in path.read_bytes()
    with pytest.raises(PackageRefused, match="code incorrect"):
        open_package(built.directory, sealing.new_code(), tmp_path / "desk", NOW)
    assert not (tmp_path / "desk").exists() or not list((tmp_path / "desk").iterdir())
    typed = built.code.lower().replace("-", " ")
    assert open_package(built.directory, typed, tmp_path / "desk", NOW)


def test_an_expired_package_is_refused(tmp_path: Path) -> None:
    write_exports(tmp_path)
    built = build(tmp_path)
    assert built.expires_at == NOW + timedelta(days=30)
    later = NOW + timedelta(days=30, seconds=1)
    with pytest.raises(PackageRefused, match="expiré le 28/12/2026"):
        open_package(built.directory, built.code, tmp_path / "desk", later)


def test_pushing_back_the_expiry_in_the_manifest_breaks_the_package(tmp_path: Path) -> None:
    write_exports(tmp_path)
    built = build(tmp_path)
    manifest = built.directory / "manifest.json"
    data = json.loads(manifest.read_text())
    data["expires_at"] = (NOW + timedelta(days=400)).isoformat()
    manifest.write_text(json.dumps(data))
    with pytest.raises(PackageRefused):
        open_package(built.directory, built.code, tmp_path / "desk", NOW + timedelta(days=60))


def test_a_truncated_document_is_refused(tmp_path: Path) -> None:
    write_exports(tmp_path, cdr_count=3_000)
    built = build(tmp_path)
    sealed = built.directory / "package.json.enc"
    data = sealed.read_bytes()
    first = 4 + int.from_bytes(data[:4], "big")
    assert first < len(data)
    sealed.write_bytes(data[:first])
    with pytest.raises(PackageRefused, match="altéré"):
        open_package(built.directory, built.code, tmp_path / "desk", NOW)
    assert not (tmp_path / "desk" / "package.json").exists()


def test_a_new_code_replaces_one_never_sent(tmp_path: Path) -> None:
    write_exports(tmp_path)
    built = build(tmp_path)
    code = rekey(tmp_path, REFERENCE, SECRET)
    assert read_manifest(built.directory).expires_at == built.expires_at.isoformat()
    with pytest.raises(PackageRefused):
        open_package(built.directory, built.code, tmp_path / "old", NOW)
    assert open_package(built.directory, code, tmp_path / "new", NOW)
    with pytest.raises(sealing.SealError):
        rekey(tmp_path, REFERENCE, b"another deployment")


def test_a_postal_package_has_a_pdf_with_the_notices_and_the_rows(tmp_path: Path) -> None:
    write_exports(tmp_path, cdr_count=50)
    built = build(tmp_path, postal=True, pdf_max_rows=20)
    pdf = opened(tmp_path, built)["package.pdf"].read_bytes()
    assert pdf.startswith(b"%PDF")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Vos données personnelles" in text and REFERENCE in text
    assert "Résumé mensuel" in text and "Transferts hors du Mali" in text
    assert "Les 20 premiers enregistrements" in text and "APDP" in text


def test_the_stores_real_exports_make_a_package(tmp_path: Path) -> None:
    """The stores' own export handlers, not a copy of their format; their masks hold."""
    stores = seeded_stores(tmp_path, Backend(), subscribers=2, cdr_per_subscriber=20)
    try:
        code = "CM-100002"
        holdings = [Holding.model_validate(h).model_dump(mode="json")
                    for h in stores.send("crm", "discover", customer_code=code)["holdings"]]
        for store in ("crm", "billing", "cdr"):
            stores.send(store, "export", customer_code=code, holdings=holdings)
    finally:
        stores.close()
    document = json.loads(opened(tmp_path, build(tmp_path))["package.json"].read_text())
    usage = next(c for c in document["categories"] if c["category"] == "connection_usage")
    assert usage["record_count"] == 20
    assert sum(m["events"] for m in usage["monthly_summary"]) == 20
    assert all("****" in r["record"]["counterpart"] for r in usage["records"]
               if r["record"]["counterpart"])


def test_the_worker_gives_a_new_code_when_a_rolled_back_attempt_took_the_exports(
        tmp_path: Path) -> None:
    """An attempt built the package and removed the exports, then its transaction (and so
    its code SMS) rolled back: the retry re-wraps the same package under a new code."""
    settings = Settings(data_dir=tmp_path, signing_key=SecretStr("deployment key"))
    write_exports(tmp_path)
    first = packages.issue(settings, REFERENCE, REF, now=NOW, postal=False, categories=[])
    packages.discard_exports(settings, REF)
    assert not (tmp_path / REF).exists()
    retry = packages.issue(settings, REFERENCE, REF, now=NOW, postal=False, categories=[])
    assert retry.code != first.code and retry.expires_on == first.expires_on == "28/12/2026"
    directory = package_directory(tmp_path, REFERENCE)
    assert open_package(directory, retry.code, tmp_path / "desk", NOW)
    with pytest.raises(PackageRefused):
        open_package(directory, first.code, tmp_path / "old", NOW)


def test_the_worker_refuses_a_package_ref_outside_the_exports(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    for ref in ("exports", "exports/../packages", "../etc", f"exports/{REFERENCE}"):
        with pytest.raises(Reject):
            packages.issue(settings, REFERENCE, ref, now=NOW, postal=False, categories=[])


def test_the_desk_command_opens_or_says_why_not(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    write_exports(tmp_path)
    built = build_package(tmp_path, REFERENCE, REF, now=datetime.now(UTC), expiry_days=30,
                          secret=SECRET, retention=RETENTION, scrypt=FAST)
    monkeypatch.setenv("DSR_DATA_DIR", str(tmp_path))
    runner = CliRunner()
    wrong = runner.invoke(main, ["package", "open", REFERENCE, "--code", "0000-0000-0000",
                                 "--output", str(tmp_path / "desk")])
    assert wrong.exit_code == 1 and "code incorrect" in wrong.output
    unknown = runner.invoke(main, ["package", "open", "DSR-2026-999999", "--code", built.code,
                                   "--output", str(tmp_path / "desk")])
    assert unknown.exit_code == 1 and "aucun dossier" in unknown.output
    good = runner.invoke(main, ["package", "open", REFERENCE, "--code", built.code,
                                "--output", str(tmp_path / "desk")])
    assert good.exit_code == 0, good.output
    assert json.loads((tmp_path / "desk" / "package.json").read_text())["reference"] == REFERENCE
    expired = build_package(tmp_path, REFERENCE, REF, now=datetime(2020, 1, 1, tzinfo=UTC),
                            expiry_days=30, secret=SECRET, retention=RETENTION, scrypt=FAST)
    late = runner.invoke(main, ["package", "open", REFERENCE, "--code", expired.code,
                                "--output", str(tmp_path / "late")])
    assert late.exit_code == 1 and "expiré le 31/01/2020" in late.output


def test_the_notices_name_the_configured_retention_periods(tmp_path: Path) -> None:
    write_exports(tmp_path)
    changed = Retention(traffic_months=24, accounting_years=7)
    built = build_package(tmp_path, REFERENCE, REF, now=NOW, expiry_days=30, secret=SECRET,
                          retention=changed, scrypt=FAST)
    document = json.loads(opened(tmp_path, built)["package.json"].read_text())
    categories = {c["category"]: c for c in document["categories"]}
    assert categories["connection_usage"]["retention"].startswith("24 mois")
    assert categories["location"]["retention"].startswith("24 mois")
    assert "7 ans après la clôture" in categories["economic_financial"]["retention"]
    assert not any("12 mois" in c["retention"] or "10 ans" in c["retention"]
                   for c in categories.values())


def test_the_issued_package_follows_the_settings(tmp_path: Path) -> None:
    write_exports(tmp_path)
    settings = Settings(data_dir=tmp_path, traffic_retention_months=18,
                        accounting_retention_years=5, signing_key=SecretStr("k" * 32))
    issued = packages.issue(settings, REFERENCE, REF, now=NOW, postal=False, categories=[])
    files = open_package(package_directory(tmp_path, REFERENCE), issued.code,
                         tmp_path / "desk", NOW)
    html = next(p for p in files if p.name == "package.html").read_text()
    assert "18 mois après l&#39;événement" in html or "18 mois après l'événement" in html
    assert "5 ans après la clôture" in html
