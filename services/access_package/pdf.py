"""PDF with fpdf2 (pure Python): letters and the postal access package, from plain text
rendered by templates. Core fonts only (nothing to install): text is written in Latin-1,
typographic characters outside it replaced by their nearest ASCII."""

from __future__ import annotations

from collections.abc import Sequence

from fpdf import FPDF

_NEAREST = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"',
                          "\u2013": "-", "\u2014": "-", "\u2026": "...", "\u0153": "oe",
                          "\u0152": "OE", "\u202f": " ", "\u20ac": "EUR"})
LINE_MM = 5.0


def latin(text: str) -> str:
    return text.translate(_NEAREST).encode("latin-1", "replace").decode("latin-1")


class PdfText:
    """A document written top to bottom: headings, paragraphs, list items, data lines."""

    def __init__(self, title: str) -> None:
        self._pdf = FPDF(format="A4")
        self._pdf.set_title(latin(title))
        self._pdf.set_author("Orange Mali")
        self._pdf.set_auto_page_break(True, margin=15)
        self._pdf.add_page()

    def text(self, text: str) -> None:
        """``# `` heading, ``## `` / ``### `` sub-headings, ``- `` items, other lines
        paragraphs; an empty line is a gap."""
        for line in text.splitlines():
            if line.startswith("### "):
                self._line(line[4:], 9, "B")
            elif line.startswith("## "):
                self._line(line[3:], 11, "B")
            elif line.startswith("# "):
                self._pdf.ln(2)
                self._line(line[2:], 14, "B")
            elif line.startswith("- "):
                self._line("  - " + line[2:], 10, "")
            elif line.strip():
                self._line(line, 10, "")
            else:
                self._pdf.ln(LINE_MM / 2)

    def plain(self, text: str) -> None:
        """Every line as it is (a letter: its layout is the template's)."""
        for line in text.splitlines():
            if line.strip():
                self._line(line, 10, "")
            else:
                self._pdf.ln(LINE_MM / 2)

    def data_line(self, values: Sequence[object]) -> None:
        self._line(" | ".join("" if v is None else str(v) for v in values), 7, "")

    def output(self) -> bytes:
        return bytes(self._pdf.output())

    def _line(self, text: str, size: float, style: str) -> None:
        self._pdf.set_font("Helvetica", style=style, size=size)
        self._pdf.multi_cell(0, LINE_MM * size / 10, latin(text), new_x="LMARGIN",
                             new_y="NEXT")


def letter_pdf(text: str, title: str) -> bytes:
    """A letter as rendered by the notification templates, one PDF."""
    document = PdfText(title)
    document.plain(text)
    return document.output()
