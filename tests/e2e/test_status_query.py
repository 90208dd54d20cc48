"""A 7400 agent asks where a request stands: every query is answered, a bad one by what is
wrong with it, on both buses."""

from __future__ import annotations

from contracts.status import QueryRefused, StatusReply
from contracts.vocabulary import Right
from services.cli.clients import status_query
from tests.e2e.conftest import HarnessFactory
from tests.support.harness import rejections, request_rows, submit
from tests.support.intakes import intake


def test_a_known_request_is_answered_its_state_and_due_date(start: HarnessFactory) -> None:
    with start() as harness:
        submit(harness, intake(Right.ACCESS, "+22370000009", "Oumar Maïga"))
        harness.wait_until(lambda app: [r["state"] for r in request_rows(app)]
                           == ["document_requested"])
        reference = request_rows(harness.app)[0]["reference"]
        known = harness.client().status(reference)
        unknown = harness.client().status("DSR-1999-000001")
    assert isinstance(known, StatusReply) and known.found
    assert known.state == "document_requested" and str(known.due_on) == "2026-12-02"
    assert isinstance(unknown, StatusReply) and not unknown.found


def test_a_query_that_cannot_be_read_is_answered_with_the_field(start: HarnessFactory) -> None:
    not_a_string = status_query("x").model_copy(update={"data": {"reference": 42}})
    with start() as harness:
        client = harness.client()
        answers = [client.status(""), client.status("DSR-2026-" + "0" * 60),
                   client.status("DSR\x00-2026"), client.ask(not_a_string)]
        dead_lettered = harness.dead_lettered("intake")
        rejected = rejections(harness.app)
    refused: list[QueryRefused] = []
    for answer in answers:
        assert isinstance(answer, QueryRefused), answer
        assert answer.query_type == "request.status.query.v1"
        assert [p.field for p in answer.problems] == ["data.reference"]
        refused.append(answer)
    assert "at least 1" in refused[0].problems[0].problem
    assert "at most 40" in refused[1].problems[0].problem
    assert "string" in refused[3].problems[0].problem
    # a question is not an intake: nothing is recorded as a rejected request, nothing parked
    assert rejected == [] and dead_lettered == 0
