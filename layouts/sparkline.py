"""Sparklines as tiny inline SVG images: a dozen weekly points need no plotting library in the browser."""

from __future__ import annotations

import math
from urllib.parse import quote


def sparkline_src(values: tuple[float, ...], color: str, width: int = 120, height: int = 36) -> str:
    """A `data:` URI of the series as a line (gaps where a week has no value) with the last point marked."""
    pts = [(i, v) for i, v in enumerate(values) if v is not None and not math.isnan(v)]
    if len(values) < 2 or not pts:
        return ""
    lo, hi = min(v for _, v in pts), max(v for _, v in pts)
    span = (hi - lo) or 1.0
    pad = 4

    def xy(i: int, v: float) -> str:
        x = pad + (width - 2 * pad) * i / (len(values) - 1)
        y = height - pad - (height - 2 * pad) * (v - lo) / span
        return f"{x:.1f},{y:.1f}"

    segments, current, last_i = [], [], None
    for i, v in pts:
        if last_i is not None and i != last_i + 1:
            segments.append(current)
            current = []
        current.append(xy(i, v))
        last_i = i
    segments.append(current)
    lines = "".join(
        f'<polyline points="{" ".join(s)}" fill="none" stroke="{color}" stroke-width="2.5" '
        'stroke-linejoin="round" stroke-linecap="round"/>'
        for s in segments
        if len(s) > 1
    )
    x, y = xy(*pts[-1]).split(",")
    dot = f'<circle cx="{x}" cy="{y}" r="3.5" fill="{color}"/>'
    box = f'viewBox="0 0 {width} {height}" preserveAspectRatio="none"'
    svg = f'<svg xmlns="http://www.w3.org/2000/svg" {box}>{lines}{dot}</svg>'
    return "data:image/svg+xml;utf8," + quote(svg)
