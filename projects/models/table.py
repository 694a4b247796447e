"""The levels of the table: Strategy (取組) → Measure (施策) → Project (事業) → ProjectRow (one
row of the table, with its 事業の概要). Activities and their events are in ``activities``."""

from django.db import models
from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from projects.table.model import project_label

from .activities import Status
from .area import Municipality
from .years import FiscalYear


class Strategy(models.Model):
    fiscal_year = models.ForeignKey(
        FiscalYear, models.CASCADE, related_name="strategies", verbose_name=_("年度")
    )
    number = models.PositiveSmallIntegerField(_("番号"))
    title = models.CharField(_("名称"), max_length=200)
    title_en = models.CharField(
        _("英語の名称"),
        max_length=200,
        blank=True,
        help_text=_("英語のページとオープンデータに出します。空欄なら日本語のみ"),
    )
    heading = models.CharField(_("取組欄の表記"), max_length=220, help_text=_("セルの文字どおり"))
    band = models.CharField(_("帯の表記"), max_length=220, blank=True)

    class Meta:
        ordering = ["fiscal_year", "number"]
        verbose_name = _("取組")
        verbose_name_plural = _("取組")
        constraints = [
            models.UniqueConstraint(fields=["fiscal_year", "number"], name="unique_strategy_number")
        ]

    def __str__(self):
        return f"{self.number} {self.title}"


class Measure(models.Model):
    strategy = models.ForeignKey(
        Strategy, models.CASCADE, related_name="measures", verbose_name=_("取組")
    )
    policy_field = models.CharField(
        _("政策分野"),
        max_length=200,
        blank=True,
        help_text=_("例: (1) 生活機能の強化に係る政策分野"),
    )
    label = models.CharField(_("記号"), max_length=10)
    title = models.CharField(_("名称"), max_length=200)
    title_en = models.CharField(
        _("英語の名称"),
        max_length=200,
        blank=True,
        help_text=_("英語のページとオープンデータに出します。空欄なら日本語のみ"),
    )
    heading = models.CharField(_("施策欄の表記"), max_length=220)
    order = models.PositiveIntegerField(_("順序"), default=0)

    class Meta:
        ordering = ["strategy", "order"]
        verbose_name = _("施策")
        verbose_name_plural = _("施策")
        constraints = [
            models.UniqueConstraint(
                fields=["strategy", "policy_field", "label"], name="unique_measure_label"
            )
        ]

    def __str__(self):
        return self.heading


class ProjectQuerySet(models.QuerySet):
    def with_hierarchy(self):
        return self.select_related("measure__strategy__fiscal_year")

    def published(self):
        return self.filter(fiscal_year__published=True)

    def listed(self):
        """Projects a citizen can read about: with a name, a 事業の概要 or an activity. A row
        that carries only a number stays in the table and its exports, not in public lists."""
        content = ProjectRow.objects.filter(project=OuterRef("pk")).filter(
            Q(summary__gt="") | Q(activities__isnull=False)
        )
        return self.filter(Q(name__gt="") | Exists(content))

    def for_municipality(self, municipality):
        """Projects with at least one row that concerns the municipality (``ProjectRow``)."""
        return self.filter(pk__in=ProjectRow.objects.concerning(municipality).values("project_id"))

    def with_activities(self):
        """Municipalities, rows, activities and their events: four queries however many."""
        return self.prefetch_related("municipalities", "rows__activities__events")

    def with_rows(self):
        """Municipalities, rows and their activities (no events): three queries however many."""
        return self.prefetch_related("municipalities", "rows__activities")

    def with_counted_status_counts(self, municipality=None):
        """``n_<status>`` per project, each item once (``ActivityQuerySet.counted``); with a
        municipality, only the activities of the rows that concern it."""
        counted = Q(rows__activities__original__isnull=True)
        if municipality is not None:
            counted &= Q(rows__in=ProjectRow.objects.concerning(municipality).values("pk"))
        return self.annotate(
            **{
                f"n_{s}": Count("rows__activities", filter=Q(rows__activities__status=s) & counted)
                for s in Status.values
            }
        )

    def with_status_counts(self):
        return self.annotate(
            **{
                f"n_{s}": Count("rows__activities", filter=Q(rows__activities__status=s))
                for s in Status.values
            }
        )


class Project(models.Model):
    fiscal_year = models.ForeignKey(
        FiscalYear, models.CASCADE, related_name="projects", verbose_name=_("年度")
    )
    measure = models.ForeignKey(
        Measure, models.CASCADE, related_name="projects", verbose_name=_("施策")
    )
    number = models.PositiveSmallIntegerField(
        _("番号"), null=True, blank=True, help_text=_("番号のない事業は空欄")
    )
    name = models.CharField(_("事業名"), max_length=200, blank=True)
    name_en = models.CharField(
        _("英語の事業名"),
        max_length=200,
        blank=True,
        help_text=_("英語のページとオープンデータに出します。空欄なら日本語のみ"),
    )
    order = models.PositiveIntegerField(_("順序"), default=0)
    municipalities = models.ManyToManyField(
        Municipality, blank=True, related_name="projects", verbose_name=_("関係市町")
    )
    previous = models.ForeignKey(
        "self",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="successors",
        verbose_name=_("前年度の事業"),
    )
    created_at = models.DateTimeField(_("作成日時"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)
    search_text = models.TextField(
        _("検索用の文字列"),
        blank=True,
        editable=False,
        help_text=_("名称・概要・実績の文字とその読み (保存と取込のときに作ります)"),
    )

    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering = ["fiscal_year", "order"]
        verbose_name = _("事業")
        verbose_name_plural = _("事業")
        indexes = [models.Index(fields=["fiscal_year", "number"])]

    def __str__(self):
        return project_label(self.number, self.name) or str(_("(名称なし)"))

    def get_absolute_url(self):
        return reverse("projects:project_detail", args=[self.pk])


class ProjectRowQuerySet(models.QuerySet):
    def concerning(self, municipality):
        """Rows whose 関係市町 include the municipality: the row's own cell where it has one
        (``municipalities_text`` not empty), else its project's (an edition without the column,
        or municipalities assigned in the portal)."""
        own = Q(municipalities_text__gt="", municipalities=municipality)
        inherited = Q(municipalities_text="", project__municipalities=municipality)
        return self.filter(pk__in=ProjectRow.objects.filter(own | inherited).values("pk"))


class ProjectRow(models.Model):
    """One row of the table: a project spans one or more, each with its own 事業の概要 and,
    where the edition has the column, its own 関係市町."""

    project = models.ForeignKey(
        Project, models.CASCADE, related_name="rows", verbose_name=_("事業")
    )
    order = models.PositiveIntegerField(_("順序"), default=0)
    summary = models.TextField(_("事業の概要"), blank=True)
    summary_en = models.TextField(
        _("英語の概要"),
        blank=True,
        help_text=_("英語のページとオープンデータに出します。空欄なら日本語のみ"),
    )
    municipalities_text = models.CharField(
        _("関係市町の表記"),
        max_length=200,
        blank=True,
        help_text=_("この行の関係市町の欄の文字どおり (「全市町」など)。空欄なら事業の関係市町"),
    )
    municipalities = models.ManyToManyField(
        Municipality,
        blank=True,
        related_name="rows",
        verbose_name=_("関係市町"),
        help_text=_("欄の表記が表す市町 (「全市町」はすべての構成市町)"),
    )

    objects = ProjectRowQuerySet.as_manager()

    class Meta:
        ordering = ["project", "order"]
        verbose_name = _("事業の行")
        verbose_name_plural = _("事業の行")

    def __str__(self):
        return f"{self.project} / {self.order + 1}"
