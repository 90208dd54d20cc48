"""A bar chart as inline SVG, drawn on the server (pure): no script, no build step."""

from __future__ import annotations

from datetime import date, timedelta
from html import escape

WIDTH, HEIGHT, PAD, AXIS = 720, 200, 24, 28


def due_per_day_svg(counts: dict[date, int], today: date, days: int = 30,
                    label: str = "") -> str:
    """One bar per day from ``today``; the tallest bar fills the height."""
    span = [today + timedelta(days=n) for n in range(days)]
    top = max([counts.get(d, 0) for d in span] + [1])
    slot = (WIDTH - 2 * PAD) / days
    bars = []
    for n, when in enumerate(span):
        value = counts.get(when, 0)
        height = (HEIGHT - PAD - AXIS) * value / top
        x, y = PAD + n * slot + 2, HEIGHT - AXIS - height
        title = f"{when.isoformat()}: {value}"
        bars.append(f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{slot - 4:.1f}" '
                    f'height="{height:.1f}" rx="2"><title>{title}</title></rect>')
        if value:
            bars.append(f'<text class="value" x="{x + (slot - 4) / 2:.1f}" y="{y - 3:.1f}">'
                        f'{value}</text>')
        if n % 5 == 0:
            bars.append(f'<text class="tick" x="{x:.1f}" y="{HEIGHT - 8}">'
                        f'{when.strftime("%d/%m")}</text>')
    axis = (f'<line class="axis" x1="{PAD}" y1="{HEIGHT - AXIS}" x2="{WIDTH - PAD}" '
            f'y2="{HEIGHT - AXIS}"/>')
    return (f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
            f'aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg">'
            f'{axis}{"".join(bars)}</svg>')
