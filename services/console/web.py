"""The console's plumbing: its dependencies, the signed-in staff member, role checks, CSRF,
rendering, and the security headers every response carries."""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.templating import Jinja2Templates
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from services.console import i18n, repository
from services.console.lockout import Lockout
from services.console.ports import DeadLetters, Desks, Publisher
from services.console.reads import Reads
from services.console.repository import Staff
from services.console.roles import Permission, may
from services.runtime.clock import Clock
from services.runtime.settings import Settings

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
Endpoint = Callable[[Request], Awaitable[Response]]
StaffEndpoint = Callable[[Request, Staff], Awaitable[Response]]


@dataclass
class ConsoleDeps:
    settings: Settings
    clock: Clock
    staff: Engine
    reads: Reads
    publisher: Publisher
    dead_letters: DeadLetters
    desks: Desks

    @property
    def lockout(self) -> Lockout:
        return Lockout(self.settings.console_lockout_attempts,
                       timedelta(minutes=self.settings.console_lockout_minutes))

    @property
    def source(self) -> str:
        return f"{self.settings.source}/console"

    def close(self) -> None:
        """Stop what the console started (the embedded delivery actors) and let go of its
        database."""
        close = getattr(self.publisher, "close", None)
        if close is not None:
            close()
        self.staff.dispose()


def deps_of(request: Request) -> ConsoleDeps:
    deps: ConsoleDeps = request.app.state.deps
    return deps


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not isinstance(token, str):
        token = request.session["csrf"] = secrets.token_urlsafe(32)
    return token


async def checked_form(request: Request) -> FormData:
    """The posted form, once its CSRF token matches the session's; 403 otherwise."""
    form = await request.form()
    sent, kept = form.get("csrf"), request.session.get("csrf")
    if not (isinstance(sent, str) and isinstance(kept, str)
            and hmac.compare_digest(sent.encode(), kept.encode())):
        raise HTTPException(403, "bad_form")
    return form


async def signed_in(request: Request) -> Staff | None:
    username = request.session.get("user")
    if not isinstance(username, str):
        return None
    return await run_in_threadpool(repository.staff, deps_of(request).staff, username)


def requires(permission: Permission) -> Callable[[StaffEndpoint], Endpoint]:
    """The endpoint runs only for a signed-in staff member whose role grants ``permission``:
    others are sent to sign in (a page) or refused 401 (a form), the wrong role 403."""

    def wrap(endpoint: StaffEndpoint) -> Endpoint:
        async def guarded(request: Request) -> Response:
            staff = await signed_in(request)
            if staff is None:
                if request.method == "GET":
                    return RedirectResponse("/login", status_code=303)
                raise HTTPException(401, "refused")
            if not may(staff.role, permission):
                raise HTTPException(403, "forbidden")
            return await endpoint(request, staff)
        guarded.__name__ = endpoint.__name__
        return guarded
    return wrap


def render(request: Request, template: str, staff: Staff | None, status: int = 200,
           **context: Any) -> Response:
    language = staff.language if staff else request.session.get("language", "fr")
    return TEMPLATES.TemplateResponse(request, template, {
        "staff": staff, "lang": language, "csrf": csrf_token(request),
        "t": lambda key: i18n.word(key, language),
        "when": lambda value: i18n.when(value, language),
        "day": lambda value: i18n.day(value, language),
        "may": lambda permission: staff is not None and may(staff.role, Permission(permission)),
        "flash": request.session.pop("flash", None), **context}, status_code=status)


def flash(request: Request, message: str) -> None:
    request.session["flash"] = message


HEADERS = [(b"x-frame-options", b"DENY"), (b"x-content-type-options", b"nosniff"),
           (b"referrer-policy", b"same-origin"), (b"cache-control", b"no-store"),
           (b"content-security-policy",
            b"default-src 'self'; img-src 'self' data:; style-src 'self'; "
            b"form-action 'self'; frame-ancestors 'none'")]


class SecurityHeaders:
    """No framing, no sniffing, no caching of pages that show requests, scripts from nowhere."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *HEADERS]
            await send(message)

        await self.app(scope, receive, with_headers)
