"""The console as an ASGI app: the routes, signed expiring sessions, security headers, and
error pages in the staff member's language."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import Response

from services.console.routes import ROUTES
from services.console.web import ConsoleDeps, SecurityHeaders, render, signed_in

SESSION_COOKIE = "dsr_console"


async def error_page(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    key = exc.detail if isinstance(exc, HTTPException) else "not_found"
    staff = await signed_in(request) if "session" in request.scope else None
    return render(request, "error.html", staff, status=status, message_key=key, code=status)


def create_app(deps: ConsoleDeps) -> Starlette:
    settings = deps.settings
    app = Starlette(routes=ROUTES, middleware=[
        Middleware(SecurityHeaders),
        Middleware(SessionMiddleware, secret_key=settings.console_key,
                   session_cookie=SESSION_COOKIE,
                   max_age=settings.console_session_minutes * 60,
                   same_site="lax", https_only=settings.console_tls),
    ], exception_handlers={HTTPException: error_page})
    app.state.deps = deps
    return app
