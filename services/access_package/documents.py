"""The package's three documents, each written as the rows stream by: JSON (machine-readable),
HTML and, for postal requests, PDF (both in French, from the templates beside this module)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import cache
from typing import Any, Protocol

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from services.access_package.pdf import PdfText
from services.access_package.sealing import SealedWriter


class Document(Protocol):
    """What the builder calls, in this order: ``head``, then per category ``category_open``,
    per source ``table_open``/``rows``…/``table_close``, ``category_close``; then ``foot``."""

    def head(self, meta: dict[str, Any]) -> None: ...

    def category_open(self, category: dict[str, Any]) -> None: ...

    def table_open(self, store: str, source: str, columns: Sequence[str]) -> None: ...

    def rows(self, batch: Sequence[tuple[bytes, dict[str, Any]]]) -> None:
        """Each line as the store wrote it, and its record."""

    def table_close(self) -> None: ...

    def category_close(self) -> None: ...

    def foot(self, meta: dict[str, Any]) -> None: ...

    def close(self) -> None: ...


@cache
def _environment() -> Environment:
    return Environment(loader=PackageLoader("services.access_package", "templates"),
                       undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                       autoescape=select_autoescape(enabled_extensions=("html.j2",)))


def _macros(name: str) -> Any:
    return _environment().get_template(name).module


class JsonDocument:
    """``{"reference": …, …, "categories": [{…, "records": [<export line>, …]}]}``: each
    category's notice and summary first, then its records as the stores wrote them
    (``{"store", "category", "source", "record"}``), copied without decoding them again."""

    def __init__(self, out: SealedWriter) -> None:
        self._out = out
        self._first_category = True
        self._first_record = True

    def head(self, meta: dict[str, Any]) -> None:
        self._out.write_text(json.dumps(meta, ensure_ascii=False)[:-1] + ', "categories": [')

    def category_open(self, category: dict[str, Any]) -> None:
        separator = "" if self._first_category else ", "
        self._first_category, self._first_record = False, True
        notice = json.dumps(category, ensure_ascii=False)[:-1]
        self._out.write_text(separator + notice + ', "records": [')

    def table_open(self, store: str, source: str, columns: Sequence[str]) -> None:
        pass

    def rows(self, batch: Sequence[tuple[bytes, dict[str, Any]]]) -> None:
        separator = b"" if self._first_record else b", "
        self._first_record = False
        self._out.write(separator + b", ".join(raw for raw, _ in batch))

    def table_close(self) -> None:
        pass

    def category_close(self) -> None:
        self._out.write_text("]}")

    def foot(self, meta: dict[str, Any]) -> None:
        self._out.write_text("]}\n")

    def close(self) -> None:
        self._out.close()


class HtmlDocument:
    def __init__(self, out: SealedWriter) -> None:
        self._out = out
        self._macros = _macros("package.html.j2")

    def head(self, meta: dict[str, Any]) -> None:
        self._out.write_text(str(self._macros.head(meta)))

    def category_open(self, category: dict[str, Any]) -> None:
        self._out.write_text(str(self._macros.category_open(category)))

    def table_open(self, store: str, source: str, columns: Sequence[str]) -> None:
        self._out.write_text(str(self._macros.table_open(source, columns)))

    def rows(self, batch: Sequence[tuple[bytes, dict[str, Any]]]) -> None:
        values = [list(record.values()) for _, record in batch]
        self._out.write_text(str(self._macros.rows(values)))

    def table_close(self) -> None:
        self._out.write_text(str(self._macros.table_close()))

    def category_close(self) -> None:
        self._out.write_text(str(self._macros.category_close()))

    def foot(self, meta: dict[str, Any]) -> None:
        self._out.write_text(str(self._macros.foot(meta)))

    def close(self) -> None:
        self._out.close()


class PdfDocument:
    """fpdf2 builds a document in memory, so the PDF prints at most ``max_rows`` records
    of a category and says where the rest is (the JSON and HTML documents hold every row)."""

    def __init__(self, out: SealedWriter, title: str, max_rows: int) -> None:
        self._out = out
        self._pdf = PdfText(title)
        self._macros = _macros("package.txt.j2")
        self._max_rows = max_rows
        self._shown = 0
        self._total = 0

    def head(self, meta: dict[str, Any]) -> None:
        self._pdf.text(str(self._macros.head(meta)))

    def category_open(self, category: dict[str, Any]) -> None:
        self._shown, self._total = 0, int(category["record_count"])
        self._pdf.text(str(self._macros.category_open(category)))

    def table_open(self, store: str, source: str, columns: Sequence[str]) -> None:
        if self._shown < self._max_rows:
            self._pdf.text(str(self._macros.table_open(source, columns)))

    def rows(self, batch: Sequence[tuple[bytes, dict[str, Any]]]) -> None:
        for _, record in batch[:max(self._max_rows - self._shown, 0)]:
            self._pdf.data_line(list(record.values()))
            self._shown += 1

    def table_close(self) -> None:
        pass

    def category_close(self) -> None:
        if self._shown < self._total:
            self._pdf.text(str(self._macros.truncated(self._shown, self._total)))

    def foot(self, meta: dict[str, Any]) -> None:
        self._pdf.text(str(self._macros.foot(meta)))

    def close(self) -> None:
        self._out.write(self._pdf.output())
        self._out.close()
