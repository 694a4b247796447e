"""Writes of a KPI by people: a town reports the year's value of its indicators (or 集計中), the
secretariat sets the evaluation. The scope rules are the activities' (``permissions``): the
secretariat may write every indicator; a town's staff only those naming their town among the
responsible towns (担当市町), and not while the year is closed to them (round closed, locked).
Every change is recorded in ``IndicatorChange`` with who, when and old → new."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from projects import permissions
from projects.models import ChangeSource, Indicator, IndicatorChange, IndicatorValue
from projects.table.kpi import values as kv

from ..changes import commit_one

NOT_THEIRS = "この成果指標の値を報告する権限がありません (担当市町に含まれていない指標です)。"
ONLY_SECRETARIAT = "評価は事務局が付けます。"
BAD_VALUE = "値「{text}」を読めません。数 (例: 1,234、▲12、3万5千) か「集計中」を入力してください。"
BAD_SYMBOL = "評価「{symbol}」は凡例 ({symbols}) にない記号です。"
BAD_YEAR = "{year}年度はこの成果指標の年度ではありません。"


def indicator_refusal(user, indicator: Indicator) -> str:
    """Why the user may not report this indicator's values ("" when they may)."""
    fiscal_year = indicator.edition.fiscal_year
    if permissions.is_secretariat(user):
        return ""
    municipality = permissions.municipality_of(user)
    if municipality is None or not indicator.municipalities.filter(pk=municipality.pk).exists():
        return NOT_THEIRS
    return permissions.year_refusal(user, fiscal_year)


def indicators_for(user, edition):
    """The indicators of the edition the user may report: all for the secretariat, their
    town's for staff, none for anyone else."""
    indicators = edition.indicators.for_page()
    if permissions.is_secretariat(user):
        return indicators
    municipality = permissions.municipality_of(user)
    if municipality is None:
        return indicators.none()
    return indicators.for_municipality(municipality)


def report_value(
    *, user, indicator: Indicator, year: int, text: str, survey_period: str = "",
    source: str = ChangeSource.PORTAL,
) -> IndicatorChange | None:  # fmt: skip
    """Set the year's value from what the town typed: a number as the sheet writes them, or
    集計中. Returns the recorded change (None when nothing changed). One change set."""
    return commit_one(
        user=user,
        source=source,
        write=lambda changes: _report_value(
            changes, user, indicator, year, text, survey_period, source
        ),
    )


def _report_value(changes, user, indicator, year, text, survey_period, source):
    refusal = indicator_refusal(user, indicator)
    if refusal:
        raise PermissionDenied(refusal)
    years = set(indicator.values.values_list("year", flat=True))
    if year not in years:
        raise ValidationError(BAD_YEAR.format(year=year), code="year")
    reading = kv.read_value(text)
    if reading is None or reading.state == kv.NONE and text.strip():
        raise ValidationError(BAD_VALUE.format(text=text), code="value")
    value = IndicatorValue.objects.select_for_update().get(indicator=indicator, year=year)
    new_text = "(集計中)" if reading.state == kv.PENDING else text.strip()
    numeric = reading.state == kv.VALUE
    if reading.state == kv.VALUE:
        new_text = kv.format_number(reading.number, minus="-").replace(",", "")
    if (value.state, value.value, value.text) == (reading.state, reading.number, new_text) and (
        not survey_period or survey_period == value.survey_period
    ):
        return None
    old = value.text
    value.state, value.value, value.text = reading.state, reading.number, new_text
    value.numeric = numeric
    if survey_period:
        value.survey_period = survey_period
    value.save()
    changes.year_changed(indicator.edition.fiscal_year_id)
    return IndicatorChange.objects.create(
        indicator=indicator,
        year=year,
        user=user if getattr(user, "pk", None) else None,
        changed_at=timezone.now(),
        source=source,
        field="value",
        old_value=old,
        new_value=new_text,
    )


def set_evaluation(*, user, indicator: Indicator, symbol: str) -> IndicatorChange | None:
    """The secretariat's evaluation of the year under the edition's legend ("" clears it)."""
    return commit_one(
        user=user,
        source=ChangeSource.PORTAL,
        write=lambda changes: _set_evaluation(changes, user, indicator, symbol),
    )


def _set_evaluation(changes, user, indicator, symbol):
    if not permissions.is_secretariat(user):
        raise PermissionDenied(ONLY_SECRETARIAT)
    legend = indicator.edition.get_legend()
    symbol = symbol.strip()
    if symbol and legend.find(symbol) is None:
        raise ValidationError(
            BAD_SYMBOL.format(symbol=symbol, symbols=legend.symbols()), code="evaluation"
        )
    symbol = legend.find(symbol).symbol if symbol else ""
    indicator = Indicator.objects.select_for_update().get(pk=indicator.pk)
    if indicator.evaluation == symbol:
        return None
    old = indicator.evaluation
    indicator.evaluation = symbol
    indicator.save(update_fields=["evaluation"])
    changes.year_changed(indicator.edition.fiscal_year_id)
    return IndicatorChange.objects.create(
        indicator=indicator,
        user=user,
        changed_at=timezone.now(),
        source=ChangeSource.PORTAL,
        field="evaluation",
        old_value=old,
        new_value=symbol,
    )
