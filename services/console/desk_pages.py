"""The call centre's list and the mail room's letters: each page, and the form that records a
call made or letters posted with the signed-in staff member's login."""

from __future__ import annotations

import re

import structlog
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from services.console.i18n import word
from services.console.repository import Staff
from services.console.roles import Permission
from services.console.web import checked_form, deps_of, flash, render, requires

log = structlog.get_logger()
REFERENCE = re.compile(r"DSR-\d{4}-\d{6}")
NOTICE_ID = re.compile(r"DSR-\d{4}-\d{6}/\d{1,12}")
MAX_CONFIRMED = 1000


@requires(Permission.CALLS)
async def call_list(request: Request, staff: Staff) -> Response:
    deps = deps_of(request)
    include_done = request.query_params.get("done") == "1"
    calls = await run_in_threadpool(deps.reads.calls, include_done)
    return render(request, "calls.html", staff, calls=calls, include_done=include_done)


@requires(Permission.CALLS)
async def call_made(request: Request, staff: Staff) -> Response:
    """The agent phoned the customer of ``reference`` and told them every notice held."""
    form = await checked_form(request)
    deps = deps_of(request)
    reference = str(form.get("reference", "")).strip()
    note = str(form.get("note", "")).strip()[:300]
    told = []
    if REFERENCE.fullmatch(reference):
        told = await run_in_threadpool(deps.desks.call_made, reference, staff.username, note)
    log.info("console call made", by=staff.username, reference=reference[:20],
             kinds=[k.value for k in told])
    words = ", ".join(word(f"kind_{k.value}", staff.language) for k in told)
    flash(request, f"{reference[:20]}: " + (f"{word('call_recorded', staff.language)} ({words})"
                                            if told else word("nothing_to_call", staff.language)))
    back = "/calls?done=1" if form.get("done") == "1" else "/calls"
    return RedirectResponse(back, status_code=303)


@requires(Permission.MAIL_ROOM)
async def mail_room(request: Request, staff: Staff) -> Response:
    deps = deps_of(request)
    letters = await run_in_threadpool(deps.reads.letters_waiting)
    return render(request, "mail_room.html", staff, letters=letters, results={})


@requires(Permission.MAIL_ROOM)
async def confirm_letters(request: Request, staff: Staff) -> Response:
    """The mail room handed these letters (notice ids) to the post: each is delivered, or
    was not a letter waiting (unknown, confirmed already, not sent yet)."""
    form = await checked_form(request)
    deps = deps_of(request)
    chosen = list(dict.fromkeys(str(n) for n in form.getlist("notice_id")))[:MAX_CONFIRMED]
    valid = [n for n in chosen if NOTICE_ID.fullmatch(n)]
    done = await run_in_threadpool(deps.desks.confirmed, valid, staff.username) if valid else {}
    results = {n: bool(done.get(n)) for n in chosen}
    log.info("console letters confirmed", by=staff.username,
             confirmed=[n for n, ok in results.items() if ok],
             not_waiting=[n for n, ok in results.items() if not ok])
    letters = await run_in_threadpool(deps.reads.letters_waiting)
    return render(request, "mail_room.html", staff, letters=letters, results=results)
