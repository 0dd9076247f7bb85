"""Server-side SVG charts (no JavaScript, no CDN): stacked bars and lines.

Each function returns markup ready to embed; every label is escaped. Pages also print the numbers
as a table beside the chart, so the chart is never the only way to read them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from markupsafe import Markup, escape

PALETTE = ["#1f6feb", "#d4a72c", "#2da44e", "#cf222e", "#8250df", "#bc4c00", "#57606a", "#0a7ea4"]
SEVERITY_COLORS = {"red": "#cf222e", "orange": "#e16f24", "yellow": "#d4a72c"}
TIER_COLORS = {
    "tekun": "#8250df",
    "dibao": "#cf222e",
    "low_income": "#e16f24",
    "expenditure_hardship": "#d4a72c",
    "none": "#8c959f",
}

W, H = 680, 300
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 44, 56


def _nice_step(top: float, ticks: int = 4) -> float:
    """A round tick step; never below 1, since the charts count things or sum money."""
    if top <= ticks:
        return 1.0
    raw = top / ticks
    mag = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if raw <= m * mag:
            return m * mag
    return 10 * mag


def _fmt(v: float) -> str:
    return f"{v:,.0f}" if abs(v) >= 10 or v == int(v) else f"{v:,.1f}"


def _colors(names: Sequence[str], given: dict[str, str] | None) -> dict[str, str]:
    given = given or {}
    return {n: given.get(n, PALETTE[i % len(PALETTE)]) for i, n in enumerate(names)}


def _frame(title: str, top: float) -> tuple[list[str], float]:
    """SVG head, title and y axis with grid lines; returns the parts and the y-axis maximum."""
    step = _nice_step(top)
    ymax = step * max(1, math.ceil(top / step))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" role="img" '
        f'aria-label="{escape(title)}" class="chart">',
        f"<title>{escape(title)}</title>",
        f'<text x="{LEFT}" y="18" font-size="14" font-weight="bold" fill="#24292f">'
        f"{escape(title)}</text>",
    ]
    v = 0.0
    while v <= ymax + 1e-9:
        y = _y(v, ymax)
        parts.append(
            f'<line x1="{LEFT}" x2="{W - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="#d0d7de" '
            'stroke-width="1"/>'
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" font-size="11" text-anchor="end" '
            f'fill="#57606a">{_fmt(v)}</text>'
        )
        v += step
    return parts, ymax


def _y(v: float, ymax: float) -> float:
    return TOP + (H - TOP - BOTTOM) * (1 - v / ymax)


def _legend(colors: dict[str, str], labels: dict[str, str] | None) -> list[str]:
    parts, x = [], float(LEFT)
    for name, color in colors.items():
        text = (labels or {}).get(name, name)
        parts.append(
            f'<rect x="{x:.0f}" y="26" width="10" height="10" fill="{color}"/>'
            f'<text x="{x + 14:.0f}" y="35" font-size="11" fill="#24292f">{escape(text)}</text>'
        )
        x += 24 + sum(11 if ord(c) > 0x2E80 else 6.5 for c in text)
    return parts


def _x_labels(labels: Sequence[str], xs: Sequence[float]) -> list[str]:
    every = max(1, math.ceil(len(labels) / 12))
    return [
        f'<text x="{x:.1f}" y="{H - BOTTOM + 16}" font-size="11" text-anchor="middle" '
        f'fill="#57606a">{escape(label)}</text>'
        for i, (label, x) in enumerate(zip(labels, xs, strict=True))
        if i % every == 0
    ]


def bar_chart(
    categories: Sequence[str],
    series: dict[str, Sequence[float]],
    title: str,
    colors: dict[str, str] | None = None,
    labels: dict[str, str] | None = None,
) -> Markup:
    """Stacked bars: one bar per category, one coloured segment per series."""
    totals = [sum(float(s[i] or 0) for s in series.values()) for i in range(len(categories))]
    parts, ymax = _frame(title, max(totals, default=0))
    cmap = _colors(list(series), colors)
    parts += _legend(cmap, labels)
    n = max(1, len(categories))
    slot = (W - LEFT - RIGHT) / n
    bar = min(48.0, slot * 0.7)
    xs = [LEFT + slot * (i + 0.5) for i in range(len(categories))]
    for i, x in enumerate(xs):
        base = 0.0
        for name, values in series.items():
            v = float(values[i] or 0)
            if v <= 0:
                continue
            y0, y1 = _y(base, ymax), _y(base + v, ymax)
            parts.append(
                f'<rect x="{x - bar / 2:.1f}" y="{y1:.1f}" width="{bar:.1f}" '
                f'height="{y0 - y1:.1f}" fill="{cmap[name]}">'
                f"<title>{escape(categories[i])} · {escape((labels or {}).get(name, name))}: "
                f"{_fmt(v)}</title></rect>"
            )
            base += v
        parts.append(
            f'<text x="{x:.1f}" y="{_y(base, ymax) - 4:.1f}" font-size="10" '
            f'text-anchor="middle" fill="#24292f">{_fmt(base)}</text>'
        )
    parts += _x_labels([str(c) for c in categories], xs)
    parts.append("</svg>")
    return Markup("".join(parts))


def line_chart(
    x_labels: Sequence[str],
    series: dict[str, Sequence[float]],
    title: str,
    colors: dict[str, str] | None = None,
    labels: dict[str, str] | None = None,
) -> Markup:
    """One line per series over the x labels (e.g. run dates), with dots on every point."""
    top = max((float(v or 0) for s in series.values() for v in s), default=0)
    parts, ymax = _frame(title, top)
    cmap = _colors(list(series), colors)
    parts += _legend(cmap, labels)
    n = len(x_labels)
    span = W - LEFT - RIGHT
    xs = [LEFT + (span * (i + 0.5) / n) for i in range(n)] if n else []
    for name, values in series.items():
        pts = [(x, _y(float(v or 0), ymax)) for x, v in zip(xs, values, strict=True)]
        if len(pts) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in pts)
            parts.append(
                f'<polyline points="{path}" fill="none" stroke="{cmap[name]}" stroke-width="2"/>'
            )
        for (x, y), label, v in zip(pts, x_labels, values, strict=True):
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{cmap[name]}">'
                f"<title>{escape(label)} · {escape((labels or {}).get(name, name))}: "
                f"{_fmt(float(v or 0))}</title></circle>"
            )
    parts += _x_labels([str(x) for x in x_labels], xs)
    parts.append("</svg>")
    return Markup("".join(parts))


def pivot(
    rows: Sequence[dict], x: str, series: str, value: str
) -> tuple[list[str], dict[str, list[float]]]:
    """Long rows -> (x labels in order, {series: values aligned to x}) for the chart functions."""
    xs: list[str] = []
    names: list[str] = []
    cells: dict[tuple[str, str], float] = {}
    for r in rows:
        xv, sv = str(r[x]), str(r[series])
        if xv not in xs:
            xs.append(xv)
        if sv not in names:
            names.append(sv)
        cells[(xv, sv)] = cells.get((xv, sv), 0.0) + float(r[value] or 0)
    return xs, {s: [cells.get((xv, s), 0.0) for xv in xs] for s in names}
