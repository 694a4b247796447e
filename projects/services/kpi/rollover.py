"""The next year's KPI edition from this year's, before its sheet exists: the same indicators
(linked by ``previous``) under the new year's 取組 and 施策, their values so far, the evaluation
left for the new year. The round of the new year can then ask the towns for its values; the
secretariat's import of the new sheet later updates the same indicators (number and name)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError

from projects import permissions
from projects.models import ChangeSource, FiscalYear, Indicator, IndicatorValue, KpiEdition, Measure
from projects.table.eras import next_title

from ..changes import commit_one

ONLY_SECRETARIAT = "成果指標の年度版は事務局が作ります。"
ALREADY = "{label}の成果指標はもうあります。"
NO_SOURCE = "{label}の成果指標がありません。"
NO_STRATEGY = "{label}に取組 {number} がありません (成果指標「{name}」の取組)。"


def carry_over(*, user, target: FiscalYear) -> KpiEdition:
    """The new edition, as one change set."""
    return commit_one(
        user=user,
        source=ChangeSource.ROLLOVER,
        write=lambda changes: _carry_over(changes, user, target),
    )


def _carry_over(changes, user, target: FiscalYear) -> KpiEdition:
    if not permissions.is_secretariat(user):
        raise PermissionDenied(ONLY_SECRETARIAT)
    if KpiEdition.objects.filter(fiscal_year=target).exists():
        raise ValidationError(ALREADY.format(label=target.label), code="exists")
    source = (
        KpiEdition.objects.filter(fiscal_year__year__lt=target.year)
        .select_related("fiscal_year")
        .order_by("-fiscal_year__year")
        .first()
    )
    if source is None:
        raise ValidationError(NO_SOURCE.format(label=target.label), code="no_source")
    strategies = {s.number: s for s in target.strategies.all()}
    measures = {
        (m.strategy.number, m.policy_field, m.label): m
        for m in Measure.objects.filter(strategy__fiscal_year=target).select_related("strategy")
    }
    edition = KpiEdition.objects.create(
        fiscal_year=target,
        title=next_title(source.title, source.fiscal_year.year) if source.title else "",
        legend=source.legend,
        columns=source.columns,
        layout=source.layout,
        imported_at=None,
    )
    old = list(source.indicators.for_page())
    projects = {p.number: p for p in target.projects.exclude(number=None)}
    copies = [_copy(indicator, edition, strategies, measures, target) for indicator in old]
    Indicator.objects.bulk_create(copies)
    for relation in (Indicator.municipalities, Indicator.projects):
        through, name = relation.through, relation.field.m2m_reverse_field_name()
        rows = []
        for before, after in zip(old, copies, strict=True):
            related = getattr(before, relation.field.name).all()
            if relation is Indicator.projects:  # the new year's projects of the same numbers
                related = [projects[p.number] for p in related if p.number in projects]
            rows += [through(indicator=after, **{name: other}) for other in related]
        through.objects.bulk_create(rows)
    IndicatorValue.objects.bulk_create(
        IndicatorValue(
            indicator=after, year=v.year, state=v.state, value=v.value, text=v.text,
            numeric=v.numeric, survey_period=v.survey_period,
        )
        for before, after in zip(old, copies, strict=True)
        for v in before.values.all()
    )  # fmt: skip
    changes.year_changed(target.pk)
    return edition


def _copy(indicator, edition, strategies, measures, target) -> Indicator:
    strategy = indicator.strategy or indicator.measure.strategy
    if strategy.number not in strategies:
        raise ValidationError(
            NO_STRATEGY.format(label=target.label, number=strategy.number, name=indicator.name),
            code="strategy",
        )
    copy = Indicator(
        edition=edition,
        previous=indicator,
        **{f: getattr(indicator, f) for f in COPIED},
    )
    if indicator.measure is not None:
        key = (strategy.number, indicator.measure.policy_field, indicator.measure.label)
        copy.measure = measures.get(key)
    if copy.measure is None:
        copy.strategy = strategies[strategy.number]
    cells = dict(indicator.cells)
    if "evaluation" in cells:
        cells["evaluation"] = ""
    copy.cells = cells
    copy.evaluation = ""
    return copy


COPIED = (
    "number", "name", "unit", "direction", "cumulative", "baseline", "baseline_period", "target",
    "target_year", "target_words", "survey_text", "towns_text", "order", "numeric",
)  # fmt: skip
