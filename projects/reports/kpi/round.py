"""The KPIs in a round (照会): each responsible town is asked for the year's value of its
indicators, or 集計中. An indicator counts as answered for the round's year once its value for
that year is a number or 集計中; a town's indicators are those naming it among 担当市町."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch

from projects.models import IndicatorValue, KpiEdition, ValueState

ANSWERED = (ValueState.VALUE, ValueState.PENDING)


@dataclass
class TownKpis:
    municipality: object
    total: int = 0
    answered: int = 0
    missing: list = field(default_factory=list)  # indicators without the year's value

    @property
    def done(self) -> bool:
        return self.answered == self.total


def round_kpis(fiscal_year, municipality=None) -> list[TownKpis]:
    """Per responsible town (one town when given), its indicators for the year's round and how
    many have the year's value or 集計中 (three queries however many)."""
    edition = KpiEdition.objects.filter(fiscal_year=fiscal_year).first()
    if edition is None:
        return []
    year_values = IndicatorValue.objects.filter(year=fiscal_year.year)
    indicators = edition.indicators.prefetch_related(
        "municipalities", Prefetch("values", queryset=year_values, to_attr="year_values")
    )
    towns: dict[int, TownKpis] = {}
    for indicator in indicators:
        answered = any(v.state in ANSWERED for v in indicator.year_values)
        for town in indicator.municipalities.all():
            if municipality and town.pk != municipality.pk:
                continue
            entry = towns.setdefault(town.pk, TownKpis(town))
            entry.total += 1
            entry.answered += answered
            if not answered:
                entry.missing.append(indicator)
    return sorted(towns.values(), key=lambda t: t.municipality.pk)
