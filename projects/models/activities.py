"""Activities (one line of a results cell, with its status) and the dated events in their text.

The activity text is the single source of truth: tags, events and the search index are derived
from it by the change set that every write goes through (``services.changes``), never by hand
and never in ``save()``.
"""

from django.db import models
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from projects.table.notation import CANONICAL_MARKERS, export_marker


class Status(models.TextChoices):
    DONE = "done", _("実施済み")
    IN_PROGRESS = "in_progress", _("実施中")
    PLANNED = "planned", _("実施予定")
    CANCELLED = "cancelled", _("中止")

    @property
    def glyph(self) -> str:
        return CANONICAL_MARKERS[self.value]


def status_glyph(status: str | None) -> str:
    return CANONICAL_MARKERS.get(status or "", "")


__all__ = ["Activity", "Event", "Precision", "Status", "export_marker"]


class ActivityQuerySet(models.QuerySet):
    def with_hierarchy(self):
        return self.select_related("row__project__measure__strategy__fiscal_year")

    def for_year(self, fiscal_year):
        return self.filter(row__project__fiscal_year=fiscal_year)

    def marked(self):
        return self.exclude(status__isnull=True)

    def for_municipality(self, municipality):
        """Activities of the rows that concern the municipality (``ProjectRow.concerning``)."""
        rows = self.model._meta.get_field("row").related_model  # .table imports this module
        return self.filter(row__in=rows.objects.concerning(municipality))

    def counted(self):
        """Each item once: a 【再掲】 line whose first listing was found (``original``) is left
        out, since that listing counts; one whose first listing is not found counts as itself."""
        return self.filter(original__isnull=True)

    def status_totals_by_municipality(self) -> dict[int, dict[str, int]]:
        """``{municipality id: {status: n}}`` over the rows that concern each municipality: the
        rows' own 関係市町, or their project's for rows without one (two queries)."""
        totals: dict[int, dict[str, int]] = {}
        marked = self.filter(status__isnull=False)
        for path, own in (("row__municipalities", True), ("row__project__municipalities", False)):
            counts = (
                marked.exclude(row__municipalities_text="")
                if own
                else marked.filter(row__municipalities_text="")
            )
            for municipality_id, status, n in (
                counts.filter(**{f"{path}__isnull": False})
                .values_list(path, "status")
                .annotate(n=Count("id"))
                .order_by()
            ):
                by_status = totals.setdefault(municipality_id, dict.fromkeys(Status.values, 0))
                by_status[status] += n
        return totals

    def status_totals(self) -> dict[str, int]:
        counts = dict(self.values_list("status").annotate(n=Count("id")).order_by())
        return {s: counts.get(s, 0) for s in Status.values}


class Activity(models.Model):
    row = models.ForeignKey(
        "projects.ProjectRow", models.CASCADE, related_name="activities", verbose_name=_("事業の行")
    )
    order = models.PositiveIntegerField(_("順序"), default=0)
    status = models.CharField(
        _("状況"),
        max_length=20,
        choices=Status.choices,
        null=True,
        blank=True,
        help_text=_("記号のない行は空欄"),
    )
    marker = models.CharField(
        _("記号の表記"),
        max_length=10,
        blank=True,
        help_text=_("元の表記 (空白を含む)。出力時に使う"),
    )
    text = models.TextField(_("内容"))
    details = models.JSONField(
        _("詳細行"), default=list, blank=True, help_text=_("「・」で始まる行")
    )
    tags = models.CharField(_("タグ"), max_length=50, blank=True, editable=False)
    previous = models.ForeignKey(
        "self",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="successors",
        verbose_name=_("前年度の項目"),
    )
    original = models.ForeignKey(
        "self",
        models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="relistings",
        verbose_name=_("初出の項目"),
        help_text=_(
            "【再掲】の項目が最初に載っている項目 (見つからなければ空欄: その項目自身を数えます)"
        ),
    )
    search_text = models.TextField(
        _("検索用の文字列"),
        blank=True,
        editable=False,
        help_text=_("内容・詳細行・タグとその読み (保存と取込のときに作ります)"),
    )
    version = models.PositiveIntegerField(_("版"), default=1, editable=False)
    created_at = models.DateTimeField(_("作成日時"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        ordering = ["row", "order"]
        verbose_name = _("実績項目")
        verbose_name_plural = _("実績項目")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__isnull=True) | Q(status__in=Status.values),
                name="activity_status_valid",
            )
        ]

    def __str__(self):
        return f"{self.glyph}{self.text}"[:80]

    @property
    def glyph(self) -> str:
        return status_glyph(self.status)

    @property
    def tag_list(self) -> list[str]:
        return [t for t in self.tags.split(",") if t]

    @property
    def is_relisted(self) -> bool:
        return "再掲" in self.tag_list

    def marker_for_export(self) -> str:
        return export_marker(self.status, self.marker)

    def line(self) -> str:
        return self.marker_for_export() + self.text


class Precision(models.TextChoices):
    DAY = "day", _("日")
    MONTH = "month", _("月")


class EventQuerySet(models.QuerySet):
    def published(self):
        return self.filter(activity__row__project__fiscal_year__published=True)

    def with_hierarchy(self):
        return self.select_related("activity__row__project__fiscal_year")


class Event(models.Model):
    """A date written in an activity's text.

    ``start_date``/``end_date`` hold the first day of the period written; ``*_precision`` says
    whether the text gave a day or only a month (「3月頃」 is a month, not 1 March).
    ``end_date`` is NULL for a single date and for open ranges (「11月以降」).
    """

    activity = models.ForeignKey(
        Activity, models.CASCADE, related_name="events", verbose_name=_("実績項目")
    )
    order = models.PositiveSmallIntegerField(_("順序"), default=0)
    start_date = models.DateField(_("開始"))
    start_precision = models.CharField(_("開始の精度"), max_length=5, choices=Precision.choices)
    end_date = models.DateField(_("終了"), null=True, blank=True)
    end_precision = models.CharField(
        _("終了の精度"), max_length=5, choices=Precision.choices, blank=True
    )
    approximate = models.BooleanField(_("頃"), default=False)
    planned = models.BooleanField(_("予定"), default=False)
    source = models.CharField(_("元の表記"), max_length=100)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["start_date", "activity", "order"]
        verbose_name = _("日程")
        verbose_name_plural = _("日程")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="event_end_after_start",
            )
        ]

    def __str__(self):
        return self.source

    # The fields a parsed date gives (``fields_of``), in this order.
    PARSED_FIELDS = (
        "start_date",
        "start_precision",
        "end_date",
        "end_precision",
        "approximate",
        "planned",
        "source",
    )

    @staticmethod
    def fields_of(parsed) -> dict:
        """The fields of the event a parsed date (``table.dates``) makes, but its activity and
        order."""
        end = parsed.end
        return {
            "start_date": parsed.start.first_day(),
            "start_precision": Precision.DAY if parsed.start.day else Precision.MONTH,
            "end_date": end.first_day() if end else None,
            "end_precision": (Precision.DAY if end.day else Precision.MONTH) if end else "",
            "approximate": parsed.approximate,
            "planned": parsed.planned,
            "source": parsed.source,
        }

    @staticmethod
    def _iso(value, precision):
        if value is None:
            return None
        return value.isoformat() if precision == Precision.DAY else value.strftime("%Y-%m")

    @property
    def open_ended(self) -> bool:
        """「11月以降」: from the start on, with no end written."""
        return self.end_date is None and "以降" in self.source

    @property
    def start_iso(self):
        return self._iso(self.start_date, self.start_precision)

    @property
    def end_iso(self):
        return self._iso(self.end_date, self.end_precision)

    def as_dict(self) -> dict:
        return {
            "start": self.start_iso,
            "end": self.end_iso,
            "approximate": self.approximate,
            "planned": self.planned,
            "source": self.source,
        }
