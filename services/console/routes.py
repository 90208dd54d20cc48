"""The console's route table: every page and form, and the permission each needs (checked
in the endpoint by ``web.requires``)."""

from __future__ import annotations

from pathlib import Path

from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from services.console import desk_pages, handlers, pages

STATIC = Path(__file__).parent / "static"

ROUTES: list[BaseRoute] = [
    Route("/", pages.index),
    Route("/login", pages.login_page, methods=["GET"]),
    Route("/login", handlers.sign_in, methods=["POST"]),
    Route("/logout", handlers.sign_out, methods=["POST"]),
    Route("/language", handlers.language, methods=["POST"]),
    Route("/requests", pages.request_list),
    Route("/requests/{reference}", pages.request_page),
    Route("/requests/{reference}/identity", handlers.decide_identity, methods=["POST"]),
    Route("/requests/{reference}/fulfilment", handlers.decide_fulfilment, methods=["POST"]),
    Route("/requests/{reference}/lift", handlers.lift_restriction, methods=["POST"]),
    Route("/requests/{reference}/document", handlers.attach_document, methods=["POST"]),
    Route("/dead-letters", pages.dead_letters),
    Route("/dead-letters/redrive", handlers.redrive, methods=["POST"]),
    Route("/calls", desk_pages.call_list),
    Route("/calls/made", desk_pages.call_made, methods=["POST"]),
    Route("/mail-room", desk_pages.mail_room),
    Route("/mail-room/confirm", desk_pages.confirm_letters, methods=["POST"]),
    Route("/dashboard", pages.dashboard),
    Route("/register", pages.register_download),
    Mount("/static", StaticFiles(directory=STATIC), name="static"),
]
