"""Messages are rendered from the templates beside this module, never concatenated in code."""

from __future__ import annotations

from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined


@cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("services.notification", "templates"),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
        keep_trailing_newline=False,
    )


def render(kind: str, medium: str, **context: Any) -> str:
    return _environment().get_template(f"{kind}.{medium}.j2").render(**context).strip()
