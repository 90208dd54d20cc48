"""The console's forms (POST): sign-in, and each staff action, published as the contract
event the CLI publishes, with the staff member's login as its actor. Every form carries the
session's CSRF token; every action is checked against the role and the request's state."""

from __future__ import annotations

import base64
from collections.abc import Callable
from datetime import date

import structlog
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from contracts.envelope import CloudEvent, Message
from contracts.intake import IdentityDocument
from contracts.vocabulary import DocumentKind
from services.console import actions
from services.console.actions import Action
from services.console.i18n import word
from services.console.reads import RequestView
from services.console.repository import LANGUAGES, SignIn, Staff
from services.console.roles import Permission, home
from services.console.web import checked_form, deps_of, flash, render, requires
from services.operations.dead_letters import TASK_QUEUES, redriven_event, target
from services.workers import ALL

log = structlog.get_logger()

MAX_SCAN_BYTES = 5 * 1024 * 1024


async def sign_in(request: Request) -> Response:
    form = await checked_form(request)
    deps = deps_of(request)
    username, password = str(form.get("username", ""))[:80], str(form.get("password", ""))
    outcome = await run_in_threadpool(SignIn(deps.staff, deps.lockout).attempt, username,
                                      password, deps.clock.now())
    if isinstance(outcome, str):
        return render(request, "login.html", None, status=401, error=outcome)
    request.session.clear()  # a fresh session (and CSRF token) for the signed-in user
    request.session["user"] = outcome.username
    return RedirectResponse(home(outcome.role), status_code=303)


async def sign_out(request: Request) -> Response:
    await checked_form(request)
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


async def language(request: Request) -> Response:
    """The language of the sign-in page (a staff member's own is set with their account)."""
    form = await checked_form(request)
    chosen = str(form.get("language", "fr"))
    request.session["language"] = chosen if chosen in LANGUAGES else "fr"
    return RedirectResponse("/login", status_code=303)


Build = Callable[[FormData, RequestView, Staff], Message]


async def _act(request: Request, staff: Staff, wanted: Callable[[FormData], Action],
               build: Build) -> Response:
    form = await checked_form(request)
    deps = deps_of(request)
    reference = request.path_params["reference"]
    view = await run_in_threadpool(deps.reads.request, reference)
    if view is None:
        raise HTTPException(404, "not_found")
    if wanted(form) not in view.actions:
        raise HTTPException(409, "no_action")
    try:
        message = build(form, view, staff)
    except (ValidationError, ValueError) as invalid:
        flash(request, _problems(invalid))
        return RedirectResponse(f"/requests/{reference}", status_code=303)
    event = CloudEvent.wrap(message, source=deps.source, subject=reference)
    await run_in_threadpool(deps.publisher.publish, event)
    flash(request, word("sent", staff.language))
    return RedirectResponse(f"/requests/{reference}", status_code=303)


def _problems(invalid: Exception) -> str:
    if isinstance(invalid, ValidationError):
        return "; ".join(f"{'.'.join(map(str, e['loc'])) or 'form'}: {e['msg']}"
                         for e in invalid.errors())
    return str(invalid)


def _reason(form: FormData) -> str:
    return str(form.get("reason", "")).strip()


@requires(Permission.DECIDE_IDENTITY)
async def decide_identity(request: Request, staff: Staff) -> Response:
    return await _act(request, staff, lambda _: Action.DECIDE_IDENTITY,
                      lambda form, view, by: actions.identity_decision(
                          view.request["reference"], form.get("decision") == "approve",
                          by.username, _reason(form)))


def _fulfilment_action(form: FormData) -> Action:
    return Action.RETRY_FULFILMENT if form.get("decision") == "retry" else Action.CLOSE_FULFILMENT


@requires(Permission.DECIDE_FULFILMENT)
async def decide_fulfilment(request: Request, staff: Staff) -> Response:
    return await _act(request, staff, _fulfilment_action,
                      lambda form, view, by: actions.fulfilment_decision(
                          view.request["reference"], form.get("decision") == "retry",
                          by.username, _reason(form)))


@requires(Permission.LIFT_RESTRICTION)
async def lift_restriction(request: Request, staff: Staff) -> Response:
    return await _act(request, staff, lambda _: Action.LIFT_RESTRICTION,
                      lambda form, view, by: actions.lift_request(
                          view.request["reference"], by.username, _reason(form)))


@requires(Permission.ATTACH_DOCUMENT)
async def attach_document(request: Request, staff: Staff) -> Response:
    """The copy is read here (at most 5 MiB); intake hashes it and drops it."""
    form = await checked_form(request)
    scan = form.get("scan")
    copy = None
    if isinstance(scan, UploadFile):
        content = await scan.read(MAX_SCAN_BYTES + 1)
        if len(content) > MAX_SCAN_BYTES:
            raise HTTPException(413, "bad_form")
        copy = base64.b64encode(content).decode() if content else None
    clock = deps_of(request).clock

    def build(form: FormData, view: RequestView, by: Staff) -> Message:
        document = IdentityDocument(
            kind=DocumentKind(str(form.get("kind"))), number=str(form.get("number", "")),
            holder_name=str(form.get("holder", "")),
            date_of_birth=_day(form.get("birth_date")), expires_on=_day(form.get("expires")),
            copy_base64=copy)
        return actions.document_attached(view.request["reference"], view.request["channel"],
                                         document, by.username, clock)

    return await _act(request, staff, lambda _: Action.ATTACH_DOCUMENT, build)


def _day(value: object) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) and value else None


@requires(Permission.DEAD_LETTERS)
async def redrive(request: Request, staff: Staff) -> Response:
    """Send one dead letter (``event_id``; a delivery task's: its notice id) or all of a
    worker's or a delivery queue's back, then record each in the audit chain as
    ``operations.dead-letter-redriven.v1`` with the operator's login."""
    form = await checked_form(request)
    deps = deps_of(request)
    name = str(form.get("worker", ""))
    if name not in ALL and name not in TASK_QUEUES:
        raise HTTPException(404, "not_found")
    chosen = form.get("event_id")
    wanted = {chosen} if isinstance(chosen, str) and chosen else None
    moved = await run_in_threadpool(deps.dead_letters.redriven, target(name), wanted)
    log.info("console dead letters redriven", by=staff.username, queue=name,
             messages=[letter.event_id for letter in moved])
    for letter in moved:
        event = redriven_event(name, letter, staff.username)
        await run_in_threadpool(deps.publisher.publish,
                                CloudEvent.wrap(event, source=deps.source,
                                                subject=event.reference))
    flash(request, f"{len(moved)} {word('redriven', staff.language)}")
    return RedirectResponse(f"/dead-letters?worker={name}", status_code=303)

