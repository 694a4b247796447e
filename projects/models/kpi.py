"""KPIs (成果指標): the council's sheet of indicators, kept per edition like the 資料.

KpiEdition (one per fiscal year: its legend and sheet layout) → Indicator (belongs to a 取組 or
施策, may name projects; unit, direction, cumulative, baseline, target, evaluation, towns) →
IndicatorValue (one per fiscal year: a value, 集計中 or none, with its survey period);
IndicatorChange records every change of a value or an evaluation.

Texts as written (``cells``, ``IndicatorValue.text``) are what the exported sheet shows;
the parsed fields beside them are what pages, charts and ratios use.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from projects.table.kpi import legend_from_json

from .area import Municipality
from .history import ChangeSource
from .table import Measure, Project, Strategy
from .years import FiscalYear

DECIMAL = {"max_digits": 24, "decimal_places": 4, "null": True, "blank": True}


class Direction(models.TextChoices):
    UP = "up", _("高いほどよい")
    DOWN = "down", _("低いほどよい")
    KEEP = "keep", _("維持")


class ValueState(models.TextChoices):
    VALUE = "value", _("実績値")
    PENDING = "pending", _("集計中")
    NONE = "none", _("なし")


class KpiEdition(models.Model):
    fiscal_year = models.OneToOneField(
        FiscalYear, models.CASCADE, related_name="kpi_edition", verbose_name=_("年度")
    )
    title = models.CharField(_("表題"), max_length=300, blank=True)
    legend = models.JSONField(_("評価の凡例"), default=dict, blank=True)
    columns = models.JSONField(_("列"), default=list, blank=True, editable=False)
    layout = models.JSONField(_("様式"), default=dict, blank=True, editable=False)
    source_filename = models.CharField(_("取込ファイル名"), max_length=255, blank=True)
    imported_at = models.DateTimeField(_("最終取込日時"), null=True, blank=True)

    class Meta:
        ordering = ["-fiscal_year__year"]
        verbose_name = _("成果指標の年度版")
        verbose_name_plural = _("成果指標の年度版")

    def __str__(self):
        return f"{self.fiscal_year.label} 成果指標"

    def get_legend(self):
        return legend_from_json(self.legend)


class IndicatorQuerySet(models.QuerySet):
    def published(self):
        return self.filter(edition__fiscal_year__published=True)

    def for_page(self):
        """Everything a page shows of its indicators, in four queries however many. Read them
        through ``edition.indicators`` so that each shares the one edition (and its year)."""
        return self.select_related("strategy", "measure__strategy").prefetch_related(
            "values", "municipalities", "projects"
        )

    def for_municipality(self, municipality):
        return self.filter(municipalities=municipality)

    def of_strategy(self, strategy):
        """The 取組's own indicators and those of its 施策."""
        return self.filter(Q(strategy=strategy) | Q(measure__strategy=strategy))


class Indicator(models.Model):
    edition = models.ForeignKey(
        KpiEdition, models.CASCADE, related_name="indicators", verbose_name=_("年度版")
    )
    strategy = models.ForeignKey(
        Strategy, models.CASCADE, null=True, blank=True, related_name="indicators",
        verbose_name=_("取組"), help_text=_("施策の指標では空欄 (施策の取組)"),
    )  # fmt: skip
    measure = models.ForeignKey(
        Measure, models.CASCADE, null=True, blank=True, related_name="indicators",
        verbose_name=_("施策"),
    )  # fmt: skip
    projects = models.ManyToManyField(
        Project, blank=True, related_name="indicators", verbose_name=_("関連事業")
    )
    number = models.PositiveSmallIntegerField(_("番号"), null=True, blank=True)
    name = models.CharField(_("成果指標"), max_length=300)
    unit = models.CharField(_("単位"), max_length=50, blank=True)
    direction = models.CharField(
        _("向き"), max_length=4, choices=Direction.choices, default=Direction.UP
    )
    cumulative = models.BooleanField(_("累計"), default=False)
    baseline = models.DecimalField(_("策定時の値"), **DECIMAL)
    baseline_period = models.CharField(
        _("策定時の時点"), max_length=30, blank=True, help_text=_("2018年 (暦年) / 2019年度")
    )
    target = models.DecimalField(_("目標値"), **DECIMAL)
    target_year = models.PositiveSmallIntegerField(_("目標年度"), null=True, blank=True)
    target_words = models.CharField(
        _("目標 (言葉)"), max_length=100, blank=True, help_text=_("例: 策定時より上昇")
    )
    survey_text = models.CharField(_("調査時点"), max_length=100, blank=True)
    evaluation = models.CharField(_("評価"), max_length=10, blank=True)
    municipalities = models.ManyToManyField(
        Municipality, blank=True, related_name="indicators", verbose_name=_("担当市町")
    )
    towns_text = models.CharField(_("担当市町の表記"), max_length=200, blank=True)
    order = models.PositiveIntegerField(_("順序"), default=0)
    cells = models.JSONField(_("セルの文字"), default=dict, blank=True, editable=False)
    numeric = models.JSONField(_("数値のセル"), default=list, blank=True, editable=False)
    previous = models.ForeignKey(
        "self", models.SET_NULL, null=True, blank=True, related_name="successors",
        verbose_name=_("前年度の指標"),
    )  # fmt: skip

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        ordering = ["edition", "order"]
        verbose_name = _("成果指標")
        verbose_name_plural = _("成果指標")
        constraints = [
            models.CheckConstraint(
                condition=Q(direction__in=Direction.values), name="indicator_direction_valid"
            ),
            models.CheckConstraint(
                condition=Q(strategy__isnull=False) | Q(measure__isnull=False),
                name="indicator_belongs_somewhere",
            ),
        ]

    def __str__(self):
        return f"{self.number or ''} {self.name}".strip()

    def get_absolute_url(self):
        strategy = self.strategy or self.measure.strategy
        year = self.edition.fiscal_year.year
        return reverse("projects:kpi_strategy", args=[year, strategy.number]) + f"#kpi-{self.pk}"


class IndicatorValue(models.Model):
    indicator = models.ForeignKey(
        Indicator, models.CASCADE, related_name="values", verbose_name=_("成果指標")
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    state = models.CharField(_("状態"), max_length=8, choices=ValueState.choices)
    value = models.DecimalField(_("値"), **DECIMAL)
    text = models.CharField(_("セルの文字"), max_length=100, blank=True)
    numeric = models.BooleanField(_("数値のセル"), default=False)
    survey_period = models.CharField(_("調査時点"), max_length=100, blank=True)

    class Meta:
        ordering = ["indicator", "year"]
        verbose_name = _("成果指標の値")
        verbose_name_plural = _("成果指標の値")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year"], name="one_value_per_year"),
            models.CheckConstraint(
                condition=Q(state="value", value__isnull=False)
                | Q(state__in=["pending", "none"], value__isnull=True),
                name="indicator_value_state",
            ),
        ]

    def __str__(self):
        return f"{self.year}: {self.text or self.value}"


class IndicatorChange(models.Model):
    """One change of an indicator's value or evaluation: who, when, how, old → new."""

    indicator = models.ForeignKey(
        Indicator, models.CASCADE, related_name="changes", verbose_name=_("成果指標")
    )
    year = models.PositiveSmallIntegerField(_("年度"), null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
        verbose_name=_("変更者"),
    )  # fmt: skip
    changed_at = models.DateTimeField(_("変更日時"), db_index=True)
    source = models.CharField(_("経路"), max_length=10, choices=ChangeSource.choices)
    field = models.CharField(_("項目"), max_length=30)
    old_value = models.TextField(_("変更前"), blank=True)
    new_value = models.TextField(_("変更後"), blank=True)

    class Meta:
        ordering = ["-changed_at", "-id"]
        verbose_name = _("成果指標の変更履歴")
        verbose_name_plural = _("成果指標の変更履歴")

    def __str__(self):
        return f"{self.changed_at:%Y-%m-%d %H:%M} {self.field}"
