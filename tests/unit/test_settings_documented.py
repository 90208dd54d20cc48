"""Every setting an operator can give is in the README's configuration table."""

from __future__ import annotations

import re
from pathlib import Path

from services.runtime.settings import Settings

README = Path(__file__).resolve().parents[2] / "README.md"


def documented() -> set[str]:
    text = README.read_text()
    table = text[text.index("## Configuration"):]
    table = table[:table.index("\n## ")]
    return set(re.findall(r"`(DSR_[A-Z0-9_]+)`", table))


def test_every_setting_has_a_row_in_the_readme() -> None:
    settings = {f"DSR_{name.upper()}" for name in Settings.model_fields}
    assert sorted(settings - documented()) == []
