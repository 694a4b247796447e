"""The KPI sheet as files: the workbook in the edition's layout (cell for cell), open data in
JSON (schema ``opendata/kpi-schema.json``) and CSV (UTF-8 with a BOM), with units and periods."""

from __future__ import annotations

import json

from projects.models import KpiEdition, ValueState
from projects.table.formats import csv_bytes
from projects.table.kpi import values as kv
from projects.table.kpi.writer import default_columns, write_kpi
from projects.table.licence import LICENSE

from . import achievement, format_ratio
from . import legend_from_json as _legend

SCHEMA_URL = "/opendata/kpi-schema.json"


def edition_indicators(edition: KpiEdition):
    return edition.indicators.for_page()


def sheet_row(indicator) -> dict[str, tuple[str, bool]]:
    """The row's cells: as written at import, the values and the evaluation as they are now."""
    numeric = set(indicator.numeric)
    row = {key: (text, key in numeric) for key, text in indicator.cells.items()}
    if not indicator.cells:
        row.update(_fresh_cells(indicator))
    written = indicator.cells.get("evaluation", "")
    if written.strip() != indicator.evaluation:
        row["evaluation"] = (indicator.evaluation, False)
    for value in indicator.values.all():
        row[f"y{value.year}"] = (value.text, value.numeric)
    return row


def _fresh_cells(indicator) -> dict[str, tuple[str, bool]]:
    strategy = indicator.strategy or indicator.measure.strategy
    baseline = kv.format_number(indicator.baseline) if indicator.baseline is not None else ""
    target = indicator.target_words or (
        kv.format_number(indicator.target) if indicator.target is not None else ""
    )
    return {
        "field": (strategy.title, False),
        "number": (str(indicator.number or ""), False),
        "name": (indicator.name, False),
        "baseline": (baseline, False),
        "target": (target, False),
        "survey": (indicator.survey_text, False),
        "towns": (indicator.towns_text, False),
    }


def workbook_bytes(edition: KpiEdition) -> bytes:
    indicators = list(edition_indicators(edition))
    columns = [tuple(c) for c in edition.columns]
    if not columns:
        years = sorted({v.year for i in indicators for v in i.values.all()})
        columns = default_columns(years)
    return write_kpi(
        layout=edition.layout,
        columns=columns,
        rows=[sheet_row(i) for i in indicators],
        title=edition.title,
    )


def indicator_json(indicator, legend) -> dict:
    got = achievement(indicator, legend)
    strategy = indicator.strategy or indicator.measure.strategy
    return {
        "id": indicator.pk,
        "number": indicator.number,
        "name": indicator.name,
        "strategy": {"number": strategy.number, "title": strategy.title},
        "measure": (
            {"label": indicator.measure.label, "title": indicator.measure.title}
            if indicator.measure
            else None
        ),
        "unit": indicator.unit,
        "direction": indicator.direction,
        "cumulative": indicator.cumulative,
        "baseline": {
            "value": _number(indicator.baseline),
            "period": indicator.baseline_period,
            "span": period_json(indicator.baseline_period),
            "text": indicator.cells.get("baseline", ""),
        },
        "target": {
            "value": _number(indicator.target),
            "fiscal_year": indicator.target_year,
            "words": indicator.target_words,
            "text": indicator.cells.get("target", ""),
        },
        "values": [
            {
                "fiscal_year": v.year,
                "state": v.state,
                "value": _number(v.value),
                "text": v.text,
                "survey_period": v.survey_period,
                "survey": period_json(v.survey_period),
            }
            for v in indicator.values.all()
        ],
        "survey_period": indicator.survey_text,
        "evaluation": indicator.evaluation,
        "achievement_ratio": _number(got.ratio),
        "municipalities": [m.name for m in indicator.municipalities.all()],
        "projects": [p.number for p in indicator.projects.all()],
    }


def period_json(text: str) -> dict | None:
    """A period as data: calendar months or a fiscal year (April–March), first and last month."""
    period = kv.parse_period(text) if text else None
    if period is None:
        return None
    return {
        "kind": "fiscal" if period.fiscal else "calendar",
        "start": f"{period.start[0]:04d}-{period.start[1]:02d}",
        "end": f"{period.end[0]:04d}-{period.end[1]:02d}",
    }


def _number(value):
    if value is None:
        return None
    return int(value) if value == value.to_integral() else float(value)


def to_json(edition: KpiEdition) -> bytes:
    legend = _legend(edition.legend)
    document = {
        "$schema": SCHEMA_URL,
        "format": "renkei-kpi/1",
        "fiscal_year": edition.fiscal_year.year,
        "fiscal_year_label": edition.fiscal_year.label,
        "title": edition.title,
        "license": dict(LICENSE),
        "legend": [
            {"symbol": e.symbol, "label": e.label, "threshold": _number(e.threshold)}
            for e in legend.entries
        ],
        "indicators": [indicator_json(i, legend) for i in edition_indicators(edition)],
    }
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")


CSV_HEADER = [
    "年度版", "番号", "成果指標", "単位", "取組", "施策", "向き", "累計", "策定時の値",
    "策定時の時点", "目標値", "目標年度", "目標 (言葉)", "年度", "状態", "値", "調査時点",
    "評価", "達成率", "担当市町",
]  # fmt: skip


def csv_rows(edition: KpiEdition):
    legend = _legend(edition.legend)
    yield CSV_HEADER
    for indicator in edition_indicators(edition):
        ratio = format_ratio(achievement(indicator, legend).ratio)
        strategy = indicator.strategy or indicator.measure.strategy
        towns = "、".join(m.name for m in indicator.municipalities.all())
        for value in indicator.values.all():
            yield [
                edition.fiscal_year.year, indicator.number or "", indicator.name, indicator.unit,
                strategy.title, indicator.measure.heading if indicator.measure else "",
                indicator.direction, "1" if indicator.cumulative else "0",
                _number(indicator.baseline), indicator.baseline_period,
                _number(indicator.target), indicator.target_year or "", indicator.target_words,
                value.year, ValueState(value.state).label, _number(value.value),
                value.survey_period, indicator.evaluation, ratio, towns,
            ]  # fmt: skip


def to_csv(edition: KpiEdition) -> bytes:
    return csv_bytes(csv_rows(edition))
