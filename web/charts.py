"""Server-side SVG charts: small line charts with reference lines and bands (no chart library,
no script: they render in any browser, print, and carry text alternatives)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

# Drawing area in SVG user units; the CSS scales the SVG to its container.
SPARK_W, SPARK_H = 160.0, 44.0
CURVE_W, CURVE_H = 320.0, 80.0
PAD = 4.0


@dataclass(frozen=True, slots=True)
class Line:
    """A horizontal reference line (y in chart units) with its legend label."""

    y: float
    label: str
    kind: str  # css class: "median", "quartile", "reference"


@dataclass
class Chart:
    width: float
    height: float
    points: str  # SVG polyline "x,y x,y ..."
    dots: list[tuple[float, float]]
    lines: list[Line] = field(default_factory=list)
    band: tuple[float, float] | None = None  # (y_top, y_bottom) in chart units
    zero: float | None = None


def _span(values: Sequence[float], extra: Sequence[float]) -> tuple[float, float]:
    everything = [*values, *extra]
    lo, hi = (min(everything), max(everything)) if everything else (0.0, 1.0)
    if hi - lo < 1e-9:
        lo, hi = lo - 1.0, hi + 1.0
    margin = (hi - lo) * 0.08
    return lo - margin, hi + margin


def line_chart(
    xs: Sequence[float],
    ys: Sequence[float],
    *,
    width: float = SPARK_W,
    height: float = SPARK_H,
    references: Sequence[tuple[float, str, str]] = (),
    band: tuple[float, float] | None = None,
    y_range: tuple[float, float] | None = None,
    zero_line: bool = False,
) -> Chart:
    """A line through (xs, ys), scaled to fit together with the reference lines and band."""
    extra = [r[0] for r in references] + (list(band) if band else [])
    lo, hi = y_range or _span(ys, extra)
    x_lo, x_hi = (min(xs), max(xs)) if xs else (0.0, 1.0)
    if x_hi - x_lo < 1e-9:
        x_lo, x_hi = x_lo - 1.0, x_hi + 1.0

    def sx(x: float) -> float:
        return round(PAD + (x - x_lo) / (x_hi - x_lo) * (width - 2 * PAD), 1)

    def sy(y: float) -> float:
        y = min(max(y, lo), hi)
        return round(height - PAD - (y - lo) / (hi - lo) * (height - 2 * PAD), 1)

    dots = [(sx(x), sy(y)) for x, y in zip(xs, ys, strict=True)]
    return Chart(
        width=width,
        height=height,
        points=" ".join(f"{x},{y}" for x, y in dots),
        dots=dots,
        lines=[Line(sy(v), label, kind) for v, label, kind in references],
        band=(sy(band[1]), sy(band[0])) if band else None,
        zero=sy(0.0) if zero_line and lo < 0 < hi else None,
    )
