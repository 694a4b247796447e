"""The geometry of a KPI's small chart (an SVG the template draws): the baseline, the actual
values year by year, the target line, and the years still being counted (集計中) marked on the
axis. Everything in the SVG's own units; the page scales it to the screen's width."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from projects.models import ValueState

WIDTH, HEIGHT = 320, 150
LEFT, RIGHT, TOP, BOTTOM = 26, 30, 18, 28


@dataclass
class Point:
    x: float
    y: float
    label: str  # the axis label: 策定時 / R2 …
    kind: str  # "baseline", "value", "pending", "none"


@dataclass
class Chart:
    width: int = WIDTH
    height: int = HEIGHT
    points: list[Point] = field(default_factory=list)
    line: str = ""  # the polyline through the baseline and the values
    target_y: float | None = None
    axis_y: float = HEIGHT - BOTTOM

    @property
    def values(self):
        return [p for p in self.points if p.kind in ("baseline", "value")]

    @property
    def pending(self):
        return [p for p in self.points if p.kind == "pending"]


def short_year(year: int) -> str:
    return f"R{year - 2018}" if year >= 2019 else f"H{year - 1988}"


def chart(indicator) -> Chart | None:
    """None when there is nothing to draw (no number at all)."""
    values = sorted(indicator.values.all(), key=lambda v: v.year)
    numbers = [v.value for v in values if v.state == ValueState.VALUE]
    numbers += [n for n in (indicator.baseline, indicator.target) if n is not None]
    if not numbers:
        return None
    low, high = min(numbers), max(numbers)
    if low == high:
        low, high = low - 1, high + 1
    pad = (high - low) / 10
    low, high = low - pad, high + pad
    slots = len(values) + (1 if indicator.baseline is not None else 0)
    step = (WIDTH - LEFT - RIGHT) / max(slots - 1, 1)

    def y(number: Decimal) -> float:
        share = float((number - low) / (high - low))
        return round(HEIGHT - BOTTOM - share * (HEIGHT - TOP - BOTTOM), 1)

    result = Chart()
    slot = 0
    if indicator.baseline is not None:
        result.points.append(Point(LEFT, y(indicator.baseline), "策定時", "baseline"))
        slot = 1
    for value in values:
        x = round(LEFT + step * slot, 1)
        slot += 1
        if value.state == ValueState.VALUE:
            result.points.append(Point(x, y(value.value), short_year(value.year), "value"))
        else:
            result.points.append(Point(x, result.axis_y, short_year(value.year), value.state))
    result.line = " ".join(f"{p.x},{p.y}" for p in result.values)
    if indicator.target is not None:
        result.target_y = y(indicator.target)
    return result
