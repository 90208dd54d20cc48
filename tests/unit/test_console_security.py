"""The console's guards, through its ASGI app: roles enforced by the server, CSRF on every
form, the session cookie's flags, lock-out, and no requisition or interception shown."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from tests.support.console import (
    FAILED_FULFILMENT,
    IN_REVIEW,
    PASSWORD,
    REQUISITIONED,
    World,
    console_world,
)

FORBIDDEN_WORDS = re.compile(r"r[ée]quisition|interception|intercept", re.IGNORECASE)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    with console_world(tmp_path_factory.mktemp("console")) as staged:
        yield staged


def client(world: World, username: str | None = None, password: str = PASSWORD) -> TestClient:
    browser = TestClient(world.asgi, base_url="http://console.test", follow_redirects=False)
    if username is not None:
        answer = browser.post("/login", data={"csrf": token(browser, "/login"),
                                              "username": username, "password": password})
        assert answer.status_code == 303, answer.text
    return browser


def token(browser: TestClient, path: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', browser.get(path).text)
    assert found, f"no CSRF token on {path}"
    return found.group(1)


@pytest.mark.parametrize(("username", "path"), [
    ("operator", f"/requests/{IN_REVIEW}"), ("operator", "/requests"),
    ("agent", "/dashboard"), ("reviewer", "/dashboard"), ("agent", "/dead-letters"),
    ("reviewer", "/register?from=2026-11-01&to=2026-11-30"),
])
def test_a_page_without_the_role_is_refused_403(world: World, username: str,
                                                path: str) -> None:
    assert client(world, username).get(path).status_code == 403


def test_an_action_without_the_role_is_refused_and_changes_nothing(world: World) -> None:
    agent = client(world, "agent")
    answer = agent.post(f"/requests/{FAILED_FULFILMENT}/fulfilment", data={
        "csrf": token(agent, "/requests"), "decision": "close", "reason": "not mine"})
    assert answer.status_code == 403
    assert world.state(FAILED_FULFILMENT) == "manual_review"


def test_signed_out_a_page_sends_to_sign_in_and_a_form_is_refused(world: World) -> None:
    anonymous = client(world)
    assert anonymous.get("/requests").headers["location"] == "/login"
    answer = anonymous.post(f"/requests/{IN_REVIEW}/identity", data={
        "csrf": token(anonymous, "/login"), "decision": "approve", "reason": "nobody"})
    assert answer.status_code == 401
    assert world.state(IN_REVIEW) == "manual_review"


@pytest.mark.parametrize("sent", [None, "forged-token", ""])
def test_a_missing_or_forged_csrf_token_is_refused(world: World, sent: str | None) -> None:
    reviewer = client(world, "reviewer")
    form = {"decision": "approve", "reason": "looks fine"}
    if sent is not None:
        form["csrf"] = sent
    answer = reviewer.post(f"/requests/{IN_REVIEW}/identity", data=form)
    assert answer.status_code == 403
    assert world.state(IN_REVIEW) == "manual_review"


def test_the_sign_in_form_needs_its_csrf_token_too(world: World) -> None:
    answer = client(world).post("/login", data={"username": "dpo", "password": PASSWORD})
    assert answer.status_code == 403


def test_the_session_cookie_is_httponly_and_samesite_lax_not_secure_without_tls(
        world: World) -> None:
    browser = client(world)
    answer = browser.post("/login", data={"csrf": token(browser, "/login"),
                                          "username": "dpo", "password": PASSWORD})
    cookie = answer.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" not in cookie


def test_with_tls_configured_the_session_cookie_is_secure(tmp_path: Path) -> None:
    with console_world(tmp_path, console_tls_cert_file=tmp_path / "cert.pem",
                       console_tls_key_file=tmp_path / "key.pem") as tls:
        browser = TestClient(tls.asgi, base_url="https://console.test", follow_redirects=False)
        answer = browser.post("/login", data={"csrf": token(browser, "/login"),
                                              "username": "dpo", "password": PASSWORD})
        cookie = answer.headers["set-cookie"].lower()
        assert "secure" in cookie and "httponly" in cookie and "samesite=lax" in cookie


def test_repeated_failures_lock_the_account_until_the_lock_ends(world: World) -> None:
    attempts = world.deps.settings.console_lockout_attempts
    browser = client(world)
    for _ in range(attempts):
        wrong = browser.post("/login", data={"csrf": token(browser, "/login"),
                                             "username": "agent", "password": "wrong"})
        assert wrong.status_code == 401
    locked = browser.post("/login", data={"csrf": token(browser, "/login"),
                                          "username": "agent", "password": PASSWORD})
    assert locked.status_code == 401 and "verrouillé" in locked.text  # French by default
    world.clock.advance(timedelta(minutes=world.deps.settings.console_lockout_minutes))
    assert client(world, "agent").get("/requests").status_code == 200


def test_no_page_or_download_shows_a_requisition_or_an_interception(world: World) -> None:
    dpo = client(world, "dpo")
    pages = ["/requests", f"/requests/{REQUISITIONED}", "/dashboard",
             "/register?from=2026-11-01&to=2026-11-30&format=csv",
             "/register?from=2026-11-01&to=2026-11-30&format=json"]
    shown = {path: dpo.get(path) for path in pages}
    assert all(answer.status_code == 200 for answer in shown.values())
    assert REQUISITIONED in shown["/register?from=2026-11-01&to=2026-11-30&format=csv"].text
    for path, answer in shown.items():
        assert not FORBIDDEN_WORDS.search(answer.text), path


def test_every_page_forbids_framing_and_scripts_from_elsewhere(world: World) -> None:
    headers = client(world, "dpo").get("/requests").headers
    assert headers["x-frame-options"] == "DENY"
    assert "default-src 'self'" in headers["content-security-policy"]
    assert headers["cache-control"] == "no-store"
