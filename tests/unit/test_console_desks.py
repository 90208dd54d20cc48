"""The delivery edge in the console: the call centre's list, the mail room's letters and the
delivery actors' dead letters, through its ASGI app. Roles and CSRF are the server's; each
action lands where the CLI's does, with the staff member's login."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.support.console import COMPLETED, PASSWORD, UNDELIVERED, World, console_world
from tests.unit.test_console_security import client, token

CALL_MADE = "notification.call-made.v1"
REDRIVEN = "operations.dead-letter-redriven.v1"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    with console_world(tmp_path_factory.mktemp("console")) as staged:
        yield staged


def waiting_letters(world: World) -> list[str]:
    return [row["notice_id"] for row in world.deps.reads.letters_waiting()]


def sms_of(world: World, reference: str) -> list[dict[str, Any]]:
    return [d for d in world.deliveries(reference) if d["medium"] == "sms"]


@pytest.mark.parametrize(("username", "path"), [
    ("reviewer", "/calls"), ("operator", "/calls"), ("mailroom", "/calls"),
    ("agent", "/mail-room"), ("reviewer", "/mail-room"), ("operator", "/mail-room"),
    ("mailroom", "/dead-letters?worker=delivery.sms"),
    ("agent", "/dead-letters?worker=delivery.sms"),
    ("mailroom", f"/requests/{COMPLETED}"),
])
def test_a_desk_without_the_role_is_refused_403(world: World, username: str,
                                                path: str) -> None:
    assert client(world, username).get(path).status_code == 403


def test_the_navigation_offers_each_role_its_own_desks(world: World) -> None:
    def links(username: str) -> set[str]:
        page = client(world, username).get("/dead-letters" if username == "operator"
                                           else "/calls" if username == "agent"
                                           else "/mail-room").text
        return set(re.findall(r'<nav>.*?</nav>', page, re.S)[0].split('href="')[1:])

    assert any(link.startswith("/calls") for link in links("agent"))
    assert not any(link.startswith("/mail-room") for link in links("agent"))
    assert {link.split('"')[0] for link in links("mailroom")} == {"/mail-room"}
    assert {link.split('"')[0] for link in links("operator")} == {"/dead-letters"}


def test_the_mail_room_lands_on_its_letters(world: World) -> None:
    browser = client(world)
    answer = browser.post("/login", data={"csrf": token(browser, "/login"),
                                          "username": "mailroom", "password": PASSWORD})
    assert answer.headers["location"] == "/mail-room"


def test_actions_without_the_role_are_refused_and_change_nothing(world: World) -> None:
    reviewer = client(world, "reviewer")
    refused = reviewer.post("/calls/made", data={"csrf": token(reviewer, "/requests"),
                                                 "reference": COMPLETED, "note": ""})
    assert refused.status_code == 403
    agent = client(world, "agent")
    letter = waiting_letters(world)[0]
    refused = agent.post("/mail-room/confirm", data={"csrf": token(agent, "/calls"),
                                                     "notice_id": letter})
    assert refused.status_code == 403
    refused = agent.post("/dead-letters/redrive", data={"csrf": token(agent, "/calls"),
                                                        "worker": "delivery.sms"})
    assert refused.status_code == 403
    assert letter in waiting_letters(world)
    assert all(c["called_at"] is None for c in world.calls() if c["reference"] == COMPLETED)
    assert len(world.deps.dead_letters.browse("delivery.sms")) == 2


@pytest.mark.parametrize(("username", "path", "form"), [
    ("agent", "/calls/made", {"reference": COMPLETED}),
    ("mailroom", "/mail-room/confirm", {"notice_id": "DSR-2026-000001/8"}),
    ("operator", "/dead-letters/redrive", {"worker": "delivery.sms"}),
])
@pytest.mark.parametrize("sent", [None, "forged-token"])
def test_a_desk_form_without_its_csrf_token_is_refused(world: World, username: str, path: str,
                                                      form: dict[str, str],
                                                      sent: str | None) -> None:
    before = (world.calls(), waiting_letters(world), world.deliveries(UNDELIVERED))
    answer = client(world, username).post(path, data=form | ({"csrf": sent} if sent else {}))
    assert answer.status_code == 403
    assert (world.calls(), waiting_letters(world), world.deliveries(UNDELIVERED)) == before


def test_the_call_list_shows_who_to_phone_oldest_first_worded(world: World) -> None:
    page = client(world, "agent").get("/calls").text  # the agent reads English
    rows = re.findall(r'data-reference="(DSR-\d{4}-\d{6})"', page)
    assert rows and len(rows) == len(set(rows))  # one line per customer
    assert f'href="/requests/{UNDELIVERED}"' in page
    assert "Package code" in page and "Acknowledgement" in page
    french = client(world, "dpo").get("/calls").text
    assert "Accusé de réception" in french


def test_a_call_made_is_recorded_with_the_agent_login_and_published(world: World) -> None:
    agent = client(world, "agent")
    answer = agent.post("/calls/made", data={"csrf": token(agent, "/calls"),
                                             "reference": COMPLETED,
                                             "note": "read the answer out, customer satisfied"})
    assert answer.status_code == 303
    called = [c for c in world.calls() if c["reference"] == COMPLETED]
    assert called and {(c["called_by"], c["called_at"] is not None) for c in called} == {
        ("agent", True)}
    chained = [e.summary for e in world.trail(COMPLETED) if e.event_type == CALL_MADE]
    assert [(s["by"], s["call"]) for s in chained] == [("agent", ["acknowledgement"])]
    assert f'data-reference="{COMPLETED}"' not in agent.get("/calls").text
    done = agent.get("/calls?done=1").text
    assert f'data-reference="{COMPLETED}"' in done and "agent" in done
    again = agent.post("/calls/made", data={"csrf": token(agent, "/calls"),
                                            "reference": COMPLETED, "note": ""})
    assert "Nothing on the call list" in agent.get(again.headers["location"]).text
    assert len([e for e in world.trail(COMPLETED) if e.event_type == CALL_MADE]) == 1


def test_the_mail_room_confirms_letters_and_is_told_which_were_not_waiting(
        world: World) -> None:
    first, second, *rest = waiting_letters(world)
    mailroom = client(world, "mailroom")
    page = mailroom.get("/mail-room").text
    assert first in page and ".pdf" in page and "Réponse à la demande" in page
    answer = mailroom.post("/mail-room/confirm", data={
        "csrf": token(mailroom, "/mail-room"),
        "notice_id": [first, second, "DSR-2026-999999/1", "not-a-notice"]})
    assert answer.status_code == 200
    assert re.search(rf"{re.escape(first)}</code> — confirmée", answer.text)
    assert re.search(r"DSR-2026-999999/1</code> — pas une lettre en attente", answer.text)
    assert waiting_letters(world) == rest
    states = {d["notice_id"]: d["state"] for ref in {first.split("/")[0], second.split("/")[0]}
              for d in world.deliveries(ref)}
    assert states[first] == states[second] == "delivered"
    confirmed = [e.summary for e in world.trail(first.split("/")[0])
                 if (e.summary.get("delivery"), e.summary.get("medium")) == ("delivered",
                                                                             "letter")]
    assert [s["by"] for s in confirmed] == ["mailroom"], "the audit names who confirmed"
    twice = mailroom.post("/mail-room/confirm", data={"csrf": token(mailroom, "/mail-room"),
                                                       "notice_id": first})
    assert "pas une lettre en attente" in twice.text


def test_the_request_page_shows_where_each_notice_stands(world: World) -> None:
    page = client(world, "reviewer").get(f"/requests/{UNDELIVERED}").text
    delivery = page.split('id="delivery"')[1].split("</section>")[0]
    assert delivery.count("d-failed") == 2 and "gave up after 2 attempts" in delivery
    assert "d-sent" in delivery and "Package code" in delivery


def test_an_operator_sees_the_dead_notices_and_redrives_one_back_onto_its_queue(
        world: World) -> None:
    operator = client(world, "operator")
    tiles = operator.get("/dead-letters").text
    assert re.search(r'<span class="figure">2</span><span>delivery.sms</span>', tiles)
    page = operator.get("/dead-letters?worker=delivery.sms").text
    failed = {d["notice_id"]: d for d in sms_of(world, UNDELIVERED)}
    assert all(notice in page for notice in failed)
    assert page.count("gave up after 2 attempts: SMSC answered System Error") == 2
    assert re.search(r'<td class="num">2</td>', page)  # attempts
    chosen = next(n for n, d in failed.items() if d["kind"] == "outcome")
    answer = operator.post("/dead-letters/redrive", data={
        "csrf": token(operator, "/dead-letters"), "worker": "delivery.sms",
        "event_id": chosen})
    assert answer.status_code == 303 and answer.headers["location"].endswith("delivery.sms")
    states = {d["notice_id"]: d["state"] for d in sms_of(world, UNDELIVERED)}
    assert states[chosen] == "sent"  # back on delivery.sms, taken by the SMSC this time
    assert [s for n, s in states.items() if n != chosen] == ["failed"]
    assert len(world.deps.dead_letters.browse("delivery.sms")) == 1
    redriven = [e.summary for e in world.trail(UNDELIVERED) if e.event_type == REDRIVEN]
    assert [s["by"] for s in redriven] == ["operator"]
