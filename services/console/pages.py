"""The console's pages (GET): each reads through ``Reads`` and renders one template."""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from contracts.vocabulary import Channel, DocumentKind, RequestState, Right
from services.audit import register
from services.console.chart import due_per_day_svg
from services.console.repository import Staff
from services.console.roles import Permission, home
from services.console.web import deps_of, render, requires, signed_in
from services.intake.queries import RequestFilter
from services.operations.dead_letters import TASK_QUEUES, with_reasons
from services.workers import workers


async def login_page(request: Request) -> Response:
    staff = await signed_in(request)
    if staff is not None:
        return RedirectResponse(home(staff.role), status_code=303)
    return render(request, "login.html", None)


async def index(request: Request) -> Response:
    staff = await signed_in(request)
    return RedirectResponse(home(staff.role) if staff else "/login", status_code=303)


def _filter(request: Request) -> RequestFilter:
    q = request.query_params
    states, rights = {s.value for s in RequestState}, {r.value for r in Right}
    return RequestFilter(state=q.get("state") if q.get("state") in states else None,
                         right=q.get("right") if q.get("right") in rights else None,
                         channel=q.get("channel") if q.get("channel") in set(Channel) else None,
                         past_target=q.get("past_target") == "1",
                         past_due=q.get("past_due") == "1")


def _cursor(text: str | None) -> tuple[date, str] | None:
    """``after=2026-12-01~DSR-2026-000123``: the last row of the page before."""
    if not text or "~" not in text:
        return None
    day, _, reference = text.partition("~")
    try:
        return date.fromisoformat(day), reference[:20]
    except ValueError:
        return None


@requires(Permission.READ_REQUESTS)
async def request_list(request: Request, staff: Staff) -> Response:
    deps = deps_of(request)
    sought = request.query_params.get("reference", "").strip().upper()
    if re.fullmatch(r"DSR-\d{4}-\d{6}", sought):
        return RedirectResponse(f"/requests/{sought}", status_code=303)
    wanted, after = _filter(request), _cursor(request.query_params.get("after"))
    size = deps.settings.console_page_size
    rows = await run_in_threadpool(deps.reads.page, wanted, deps.clock.now().date(), after,
                                   size + 1)
    more = rows[size] if len(rows) > size else None
    rows = rows[:size]
    following = None
    if more is not None:
        query = {k: v for k, v in request.query_params.items() if k != "after"}
        last = rows[-1]
        query["after"] = f"{last.due_on.isoformat()}~{last.reference}"
        following = "/requests?" + urlencode(query)
    return render(request, "requests.html", staff, rows=rows, wanted=wanted,
                  following=following, paged=after is not None, today=deps.clock.now().date(),
                  states=[s.value for s in RequestState], rights=[r.value for r in Right],
                  channels=[c.value for c in Channel])


@requires(Permission.READ_REQUESTS)
async def request_page(request: Request, staff: Staff) -> Response:
    deps = deps_of(request)
    view = await run_in_threadpool(deps.reads.request, request.path_params["reference"])
    if view is None:
        raise HTTPException(404, "not_found")
    return render(request, "request.html", staff, view=view,
                  kinds=[k.value for k in DocumentKind])


@requires(Permission.DEAD_LETTERS)
async def dead_letters(request: Request, staff: Staff) -> Response:
    deps = deps_of(request)
    running = workers()
    depths = await run_in_threadpool(deps.dead_letters.depths, running)
    chosen = request.query_params.get("worker", "")
    if chosen in TASK_QUEUES:  # a delivery actor's dead tasks, with their records' reasons
        letters = await run_in_threadpool(deps.dead_letters.browse, chosen)
        letters = await run_in_threadpool(with_reasons, letters, deps.reads.engine("delivery"))
        return render(request, "dead_letters.html", staff, depths=depths, chosen=chosen,
                      letters=letters, tasks=True)
    worker = next((w for w in running if w.name == chosen), None)
    letters = await run_in_threadpool(deps.dead_letters.browse, worker) if worker else []
    return render(request, "dead_letters.html", staff, depths=depths,
                  chosen=worker.name if worker else None, letters=letters, tasks=False)


@requires(Permission.DASHBOARD)
async def dashboard(request: Request, staff: Staff) -> Response:
    deps = deps_of(request)
    figures = await run_in_threadpool(deps.reads.dashboard, deps.clock.now())
    chart = due_per_day_svg(figures.open.due_per_day, figures.today,
                            label="requests due per day")
    first = figures.today.replace(day=1)
    return render(request, "dashboard.html", staff, figures=figures, chart=chart,
                  first=first, today=figures.today)


@requires(Permission.REGISTER)
async def register_download(request: Request, staff: Staff) -> Response:
    deps = deps_of(request)
    q = request.query_params
    try:
        start, end = date.fromisoformat(q.get("from", "")), date.fromisoformat(q.get("to", ""))
    except ValueError as invalid:
        raise HTTPException(400, "bad_form") from invalid
    fmt = "json" if q.get("format") == "json" else "csv"

    def export() -> str:
        with deps.reads.engine("audit").connect() as conn:
            return register.export(conn, start, end, fmt, deps.clock.now())[0]

    text = await run_in_threadpool(export)
    name = f"register-{start.isoformat()}-{end.isoformat()}.{fmt}"
    media = "application/json" if fmt == "json" else "text/csv"
    return Response(text, media_type=f"{media}; charset=utf-8",
                    headers={"content-disposition": f'attachment; filename="{name}"'})
