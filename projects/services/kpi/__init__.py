"""Importing the 成果指標 sheet: every row checked first, every error with its sheet and cell,
then everything written in one transaction (nothing half-written).

An indicator keeps its identity within an edition by its number and name (a re-import updates
it); across years it is linked to the previous edition's indicator of the same number and name,
else of the same name. Every changed value and evaluation is recorded in ``IndicatorChange``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import timezone

from projects.models import (
    Area,
    ChangeSource,
    FiscalYear,
    Indicator,
    IndicatorChange,
    IndicatorValue,
    KpiEdition,
    Measure,
    Municipality,
    Project,
    Strategy,
)
from projects.table.eras import fiscal_year_label
from projects.table.kpi import IndicatorRow, KpiSheet
from projects.table.kpi import values as kv
from projects.table.kpi.reader import read_kpi
from projects.table.model import Problem

from ..changes import commit_one

NO_YEAR = "表題から年度を読めません。年度を指定してください (例: import_kpi --year 2022)。"
NO_TABLE = "{label}の資料 (事業の表) がまだありません。先に資料を取り込んでください。"


@dataclass
class KpiImportResult:
    year: int | None
    created: int = 0
    updated: int = 0
    removed: int = 0
    errors: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def read_kpi_file(path_or_file) -> KpiSheet:
    """Read a KPI workbook with the area's members as the names 担当市町 may use."""
    return read_kpi(path_or_file, members=Area.objects.members())


@dataclass
class Planned:
    row: IndicatorRow
    strategy: Strategy | None
    measure: Measure | None
    projects: list[Project]
    towns: list[Municipality]


def import_kpi(
    *, sheet: KpiSheet, year: int | None = None, user=None, filename: str = ""
) -> KpiImportResult:
    """Check the whole sheet, then write it as the year's edition; with any error, nothing."""
    year = year or sheet.year
    result = KpiImportResult(year, errors=list(sheet.errors))
    if year is None:
        result.errors.append(Problem(NO_YEAR, sheet=sheet.sheet, code="no_year"))
        return result
    fiscal_year = FiscalYear.objects.filter(year=year).first()
    if fiscal_year is None:
        label = fiscal_year_label(year)
        result.errors.append(
            Problem(NO_TABLE.format(label=label), sheet=sheet.sheet, code="no_table")
        )
        return result
    plan = Planner(sheet, fiscal_year, result.errors).plan()
    if result.errors:
        return result

    def write_all(changes):
        FiscalYear.objects.select_for_update().get(pk=fiscal_year.pk)
        write(sheet, fiscal_year, plan, result, user=user, filename=filename)
        changes.year_changed(fiscal_year.pk)

    commit_one(user=user, source=ChangeSource.IMPORT, write=write_all)
    return result


class Planner:
    """Finds each row's 取組 or 施策, its projects and towns in the year's table."""

    def __init__(self, sheet: KpiSheet, fiscal_year: FiscalYear, errors: list[Problem]):
        self.sheet, self.errors = sheet, errors
        self.strategies = list(fiscal_year.strategies.all())
        self.measures = list(Measure.objects.filter(strategy__fiscal_year=fiscal_year))
        self.projects = {p.number: p for p in fiscal_year.projects.exclude(number=None)}
        self.towns = {m.name: m for m in Municipality.objects.all()}
        self.reported: set[str] = set()

    def error(self, message: str, row: IndicatorRow, key: str, code: str) -> None:
        self.errors.append(
            Problem(message, sheet=self.sheet.sheet, cell=row.coordinates.get(key, ""), code=code)
        )

    def plan(self) -> list[Planned]:
        seen: dict[tuple, int] = {}
        planned = []
        for row in self.sheet.indicators:
            key = (row.number, row.name)
            if key in seen:
                self.error(
                    f"成果指標「{row.name}」が {seen[key]} 行目と重複しています。",
                    row,
                    "name",
                    "duplicate",
                )
            seen[key] = row.row
            strategy = self.strategy(row)
            measure = self.measure(row, strategy) if row.measure_text.strip() else None
            projects = [self.project(row, n) for n in row.project_numbers]
            towns = [self.towns[name] for name in row.towns]
            planned.append(
                Planned(
                    row, None if measure else strategy, measure, [p for p in projects if p], towns
                )
            )
        return planned

    def strategy(self, row: IndicatorRow) -> Strategy | None:
        text = kv.fold(row.strategy_text)
        for strategy in self.strategies:
            names = {kv.fold(strategy.title), kv.fold(strategy.heading), kv.fold(strategy.band)}
            numbered = text.startswith(str(strategy.number)) and kv.fold(strategy.title) in text
            if text in names or numbered or text == str(strategy.number):
                return strategy
        if text in self.reported:
            return None  # 〃 below a cell already reported
        self.reported.add(text)
        if not text:
            self.error("分野 (取組) が空です。", row, "field", "no_strategy")
        else:
            self.error(
                f"分野「{row.strategy_text}」は資料の取組にありません。", row, "field", "strategy"
            )
        return None

    def measure(self, row: IndicatorRow, strategy: Strategy | None) -> Measure | None:
        if strategy is None:
            return None
        text = kv.fold(row.measure_text)
        for measure in self.measures:
            if measure.strategy_id != strategy.pk:
                continue
            label, title = kv.fold(measure.label), kv.fold(measure.title)
            if text in (label, title, kv.fold(measure.heading)) or text.startswith(
                label + title[:2]
            ):
                return measure
        self.error(
            f"施策「{row.measure_text}」は取組「{strategy.title}」の施策にありません。",
            row,
            "measure",
            "measure",
        )
        return None

    def project(self, row: IndicatorRow, number: int) -> Project | None:
        if number not in self.projects:
            self.error(
                f"関連事業の番号 {number} は資料の事業にありません。", row, "projects", "project"
            )
        return self.projects.get(number)


FIELDS = [
    "strategy", "measure", "number", "name", "unit", "direction", "cumulative", "baseline",
    "baseline_period", "target", "target_year", "target_words", "survey_text", "evaluation",
    "towns_text", "order", "cells", "numeric", "previous",
]  # fmt: skip
VALUE_FIELDS = ["state", "value", "text", "numeric", "survey_period"]


def write(sheet, fiscal_year, plan, result, *, user, filename) -> None:
    """Write in bulk: a fixed number of queries however many indicators the sheet has."""
    now = timezone.now()
    edition, _ = KpiEdition.objects.get_or_create(fiscal_year=fiscal_year)
    edition.title = sheet.title
    edition.legend = sheet.legend.to_json()
    edition.columns = [list(c) for c in sheet.columns]
    edition.layout = sheet.layout
    edition.source_filename, edition.imported_at = filename, now
    edition.save()
    existing = {(i.number, i.name): i for i in edition.indicators.prefetch_related("values")}
    old_values = {key: {v.year: v for v in i.values.all()} for key, i in existing.items()}
    previous = previous_indicators(fiscal_year)
    changes, indicators = [], []
    for order, item in enumerate(plan):
        row = item.row
        indicator = existing.get((row.number, row.name)) or Indicator(edition=edition)
        if indicator.pk is not None and indicator.evaluation != row.evaluation:
            changes.append(
                change(
                    indicator, None, "evaluation", indicator.evaluation, row.evaluation, user, now
                )
            )
        fill(indicator, item, order)
        indicator.previous = previous.get((row.number, row.name)) or previous.get(row.name)
        indicators.append(indicator)
    new = [i for i in indicators if i.pk is None]
    old = [i for i in indicators if i.pk is not None]
    result.created, result.updated = len(new), len(old)
    removed = edition.indicators.exclude(pk__in=[i.pk for i in old])
    result.removed = removed.count()
    removed.delete()
    Indicator.objects.bulk_create(new)
    Indicator.objects.bulk_update(old, FIELDS)
    set_links(indicators, plan)
    write_values(indicators, plan, old_values, changes, user=user, at=now)
    IndicatorChange.objects.bulk_create(changes)


def set_links(indicators, plan) -> None:
    for relation, attribute in (
        (Indicator.projects, "projects"),
        (Indicator.municipalities, "towns"),
    ):
        through = relation.through
        target = relation.field.m2m_reverse_field_name()
        through.objects.filter(indicator__in=indicators).delete()
        through.objects.bulk_create(
            through(indicator=indicator, **{target: other})
            for indicator, item in zip(indicators, plan, strict=True)
            for other in getattr(item, attribute)
        )


def fill(indicator: Indicator, item: Planned, order: int) -> None:
    row = item.row
    indicator.strategy, indicator.measure = item.strategy, item.measure
    indicator.number, indicator.name, indicator.unit = row.number, row.name, row.unit
    indicator.direction, indicator.cumulative = row.direction, row.cumulative
    indicator.baseline = row.baseline
    indicator.baseline_period = row.baseline_period.label() if row.baseline_period else ""
    indicator.target = row.target
    indicator.target_year = row.target_period.year if row.target_period else None
    indicator.target_words = row.target_words
    indicator.survey_text = row.survey_text
    indicator.evaluation = row.evaluation
    indicator.towns_text = row.towns_text
    indicator.order = order
    indicator.cells = dict(row.cells)
    indicator.numeric = sorted(row.numeric)


def write_values(indicators, plan, old_values, changes, *, user, at) -> None:
    create, update, stale = [], [], []
    for indicator, item in zip(indicators, plan, strict=True):
        row = item.row
        olds = dict(old_values.get((row.number, row.name), {}))
        survey_year = row.survey.year if row.survey else None
        for year, cell in row.values.items():
            old = olds.pop(year, None)
            value = old or IndicatorValue(indicator=indicator, year=year)
            before = value.text if old else None
            value.state, value.value = cell.state, cell.number
            value.text, value.numeric = cell.text, cell.numeric
            if year == survey_year:
                value.survey_period = row.survey_text
            (update if old else create).append(value)
            if old_values.get((row.number, row.name)) is not None and before != cell.text:
                changes.append(change(indicator, year, "value", before or "", cell.text, user, at))
        stale.extend(v.pk for v in olds.values())
    IndicatorValue.objects.filter(pk__in=stale).delete()
    IndicatorValue.objects.bulk_create(create)
    IndicatorValue.objects.bulk_update(update, VALUE_FIELDS)


def change(indicator, year, field_name, old, new, user, at) -> IndicatorChange:
    return IndicatorChange(
        indicator=indicator,
        year=year,
        user=user if getattr(user, "pk", None) else None,
        changed_at=at,
        source=ChangeSource.IMPORT,
        field=field_name,
        old_value=old or "",
        new_value=new or "",
    )


def previous_indicators(fiscal_year) -> dict:
    """The latest earlier edition's indicators by (number, name) and by name."""
    edition = (
        KpiEdition.objects.filter(fiscal_year__year__lt=fiscal_year.year)
        .order_by("-fiscal_year__year")
        .first()
    )
    if edition is None:
        return {}
    found: dict = {}
    for indicator in edition.indicators.all():
        found[(indicator.number, indicator.name)] = indicator
        found.setdefault(indicator.name, indicator)
    return found
