"""The indicator chart, drawn on the server as SVG: values by year, one colour per place, targets as filled
dots joined by a line, baselines as rings, achieved values as squares.

SVG made here needs no JavaScript and no file beside the page (the explorer may run offline), and shows
in the browser, in a saved page and in a screenshot alike.
"""
from __future__ import annotations

import math
from html import escape

WIDTH, HEIGHT = 760, 360
LEFT, RIGHT, TOP, BOTTOM = 56, 200, 20, 40  # margins: the legend stands on the right
# Colour-blind-safe categorical palette (Okabe–Ito), then greys for places beyond it.
MAX_YEAR_LABELS = 12  # a label every 1, 2, 5, 10 ... years, so that labels never overlap
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]


def _nice_top(top: float) -> float:
    """The smallest 1, 2, 2.5 or 5 × 10^k at or above `top`."""
    if top <= 0:
        return 1.0
    base = 10 ** math.floor(math.log10(top))
    return next(m * base for m in (1, 2, 2.5, 5, 10) if m * base >= top)


def _fmt(value: float) -> str:
    return f"{value:g}"


def svg(points: list[dict]) -> str:
    """Points (place, year, role, value) as an SVG chart; points without a year or value are left out."""
    # A value stated alike by several plans of one place (copies, a district's plan repeating its province's)
    # is one point.
    points = list({(p["place"], p["year"], p["role"], p.get("comparator"), p["value"]): p for p in points
                   if p.get("year") is not None and p.get("value") is not None}.values())
    if not points:
        return ""
    years = sorted({p["year"] for p in points})
    y0, y1 = years[0] - 0.5, years[-1] + 0.5
    top = _nice_top(max(p["value"] for p in points))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(year: float) -> float:
        return LEFT + (year - y0) / (y1 - y0) * plot_w

    def y(value: float) -> float:
        return TOP + plot_h - value / top * plot_h

    places = sorted({p["place"] or "?" for p in points})
    colour = {place: PALETTE[i] if i < len(PALETTE) else "#888888" for i, place in enumerate(places)}
    height = max(HEIGHT, TOP + 18 * len(places) + 70)  # room for the legend
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
           f'role="img" class="chart" font-family="sans-serif" font-size="12">']
    for k in range(5):  # value grid
        v = top * k / 4
        out.append(f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{y(v):.1f}" y2="{y(v):.1f}" stroke="#ddd"/>'
                   f'<text x="{LEFT - 6}" y="{y(v) + 4:.1f}" text-anchor="end">{_fmt(v)}</text>')
    span = years[-1] - years[0] + 1
    step = next(k for k in (1, 2, 5, 10, 20, 50, 100, span) if span / k <= MAX_YEAR_LABELS)
    for year in range(-(-years[0] // step) * step, years[-1] + 1, step):  # round years: 2020, 2025, ...
        out.append(f'<text x="{x(year):.1f}" y="{TOP + plot_h + 18}" text-anchor="middle">{year}</text>')
    out.append(f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{TOP + plot_h}" y2="{TOP + plot_h}" stroke="#444"/>')
    for place in places:
        c = colour[place]
        mine = [p for p in points if (p["place"] or "?") == place]
        targets = sorted((p for p in mine if p["role"] == "target"), key=lambda p: (p["year"], p["value"]))
        if len(targets) > 1:
            path = " ".join(f"{x(p['year']):.1f},{y(p['value']):.1f}" for p in targets)
            out.append(f'<polyline points="{path}" fill="none" stroke="{c}" stroke-width="1.5"/>')
        for p in mine:
            cx, cy = x(p["year"]), y(p["value"])
            tip = escape(f"{place}, {p['year']}: {p.get('comparator') or ''}{_fmt(p['value'])} ({p['role']})")
            if p["role"] == "baseline":
                mark = f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="5" fill="white" stroke="{c}" stroke-width="2">'
                end = "</circle>"
            elif p["role"] == "target":
                mark, end = f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="4.5" fill="{c}">', "</circle>"
            else:
                mark, end = f'<rect x="{cx - 4:.1f}" y="{cy - 4:.1f}" width="8" height="8" fill="{c}">', "</rect>"
            out.append(f"{mark}<title>{tip}</title>{end}")
    lx = WIDTH - RIGHT + 16
    for i, place in enumerate(places):
        ly = TOP + 10 + 18 * i
        out.append(f'<rect x="{lx}" y="{ly - 9}" width="10" height="10" fill="{colour[place]}"/>'
                   f'<text x="{lx + 16}" y="{ly}">{escape(place)}</text>')
    ly = TOP + 10 + 18 * len(places) + 12
    out.append(f'<circle cx="{lx + 5}" cy="{ly - 4}" r="4.5" fill="#444"/><text x="{lx + 16}" y="{ly}">target</text>'
               f'<circle cx="{lx + 5}" cy="{ly + 14}" r="5" fill="white" stroke="#444" stroke-width="2"/>'
               f'<text x="{lx + 16}" y="{ly + 18}">baseline</text>'
               f'<rect x="{lx + 1}" y="{ly + 28}" width="8" height="8" fill="#444"/>'
               f'<text x="{lx + 16}" y="{ly + 36}">achieved</text>')
    out.append("</svg>")
    return "".join(out)
