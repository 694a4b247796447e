"""Reads of the KPIs (成果指標): the achievement ratio, the pages' data, the sheet as exported.

The achievement ratio (達成率) is the progress from the baseline to the target, in percent:
(latest − baseline) ÷ (target − baseline). It is the same formula whichever way is better (a
lower-is-better indicator has a target under its baseline, so both differences are negative).
A cumulative indicator (累計) counts from the start of the plan: latest ÷ target. A target that
equals the baseline (維持, ``±0`` from 0) is met at 100 % when the latest value is on the right
side of it. A target in words (策定時より上昇) has no ratio; whether the latest value moved the
right way is ``met``. The latest value is that of the latest year with a value; years still
being counted (集計中) are listed as pending.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from projects.models import Indicator, KpiEdition, ValueState
from projects.table.eras import fiscal_year_label
from projects.table.kpi import legend_from_json
from projects.table.kpi import values as kv

HUNDRED = Decimal(100)


@dataclass
class Achievement:
    ratio: Decimal | None  # percent, one decimal; None without a numeric target or value
    latest_year: int | None = None
    latest: Decimal | None = None
    pending_years: list[int] = field(default_factory=list)
    met: bool | None = None  # the latest value reaches the target (or moved the way asked)
    suggested: str = ""  # the legend's symbol for the ratio, where the legend has thresholds


def achievement(indicator: Indicator, legend=None) -> Achievement:
    values = sorted(indicator.values.all(), key=lambda v: v.year)
    pending = [v.year for v in values if v.state == ValueState.PENDING]
    actual = [v for v in values if v.state == ValueState.VALUE]
    if not actual:
        return Achievement(None, pending_years=pending)
    latest = actual[-1]
    result = Achievement(None, latest.year, latest.value, pending)
    baseline, target = indicator.baseline, indicator.target
    if target is None:
        if baseline is not None:
            result.met = _moved(indicator.direction, latest.value, baseline)
        return result
    if indicator.cumulative:
        ratio = latest.value / target * HUNDRED if target else None
    elif baseline is None or target == baseline:
        ratio = HUNDRED if _reached(indicator.direction, latest.value, target) else None
    else:
        ratio = (latest.value - baseline) / (target - baseline) * HUNDRED
    if ratio is not None:
        result.ratio = ratio.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        result.met = result.ratio >= HUNDRED
    if legend is not None:
        result.suggested = legend.for_score(result.ratio)
    return result


def _moved(direction: str, latest: Decimal, reference: Decimal) -> bool:
    """Whether the latest value moved the way a target in words asks (維持: not below)."""
    if direction == "down":
        return latest < reference
    if direction == "keep":
        return latest >= reference
    return latest > reference


def _reached(direction: str, latest: Decimal, target: Decimal) -> bool:
    return latest <= target if direction == "down" else latest >= target


def format_ratio(ratio: Decimal | None) -> str:
    return "" if ratio is None else f"{ratio}%"


@dataclass
class IndicatorView:
    indicator: Indicator
    achievement: Achievement
    years: list[int]
    values: dict[int, object]
    legend_label: str = ""
    chart: object = None

    @property
    def pk(self):
        return self.indicator.pk

    @property
    def baseline_label(self) -> str:
        written = kv.split_period(self.indicator.cells.get("baseline", ""))[0]
        return number_label(self.indicator.baseline, self.indicator.unit, written)

    @property
    def target_label(self) -> str:
        if self.indicator.target is None:
            return self.indicator.target_words or "―"
        written = kv.split_period(self.indicator.cells.get("target", ""))[0]
        return number_label(self.indicator.target, self.indicator.unit, written)

    @property
    def latest_label(self) -> str:
        latest = self.achievement.latest_year
        return value_label(self.values[latest], self.indicator.unit) if latest else "―"

    @property
    def target_year_label(self) -> str:
        return fiscal_year_label(self.indicator.target_year) if self.indicator.target_year else ""

    @property
    def rows(self) -> list[dict]:
        """The table beside the chart: one row per fiscal year."""
        return [
            {
                "label": fiscal_year_label(year),
                "value": value_label(self.values[year], self.indicator.unit),
                "pending": self.values[year].state == ValueState.PENDING,
                "survey": self.values[year].survey_period,
            }
            for year in self.years
        ]


def views(indicators, edition: KpiEdition | None) -> list[IndicatorView]:
    legend = legend_from_json(edition.legend if edition else None)
    result = []
    for indicator in indicators:
        values = {v.year: v for v in indicator.values.all()}
        entry = legend.find(indicator.evaluation) if indicator.evaluation else None
        result.append(
            IndicatorView(
                indicator,
                achievement(indicator, legend),
                sorted(values),
                values,
                entry.label if entry else "",
            )
        )
    return result


def edition_of(fiscal_year) -> KpiEdition | None:
    return KpiEdition.objects.filter(fiscal_year=fiscal_year).select_related("fiscal_year").first()


def strategy_indicators(edition: KpiEdition | None, strategy) -> list[IndicatorView]:
    """The 取組's indicators and those of its 施策, in the sheet's order (four queries)."""
    if edition is None:
        return []
    qs = edition.indicators.of_strategy(strategy).for_page()
    return views(qs, edition)


def measure_indicators(measure) -> list[IndicatorView]:
    edition = edition_of(measure.strategy.fiscal_year_id)
    if edition is None:
        return []
    return views(edition.indicators.filter(measure=measure).for_page(), edition)


def value_label(value, unit: str = "") -> str:
    """A year's value for a page: ``1,188 万人``, ``集計中``, ``―``."""
    if value is None or value.state == ValueState.NONE:
        return "―"
    if value.state == ValueState.PENDING:
        return "集計中"
    return number_label(value.value, unit, value.text)


def number_label(number: Decimal | None, unit: str = "", written: str = "") -> str:
    """A number for a page: with separators and a real minus sign (▲ is the sheet's minus, read
    aloud as a triangle), the unit after it; a number the sheet wrote with units inside it
    (``9兆2,000億円``) as written."""
    if number is None:
        return "―"
    quantity = kv.parse_number(written) if written else None
    if quantity is not None and quantity.number == number and any(u in written for u in "兆億万千"):
        return written.strip()
    return f"{kv.format_number(number, minus='−')} {unit}".strip()
