"""The partnership's joint projects, one fiscal year at a time.

FiscalYear → Strategy (取組) → Measure (施策) → Project (事業) → ProjectRow (one row of the table,
with its 事業の概要) → Activity (one line of the results cell) → Event (a date parsed from the text).

The activity text is the single source of truth: tags and events are derived from it on every
save (and by the import service, which writes in bulk), never edited by hand.
"""

from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import notation


class Status(models.TextChoices):
    DONE = "done", _("実施済み")
    IN_PROGRESS = "in_progress", _("実施中")
    PLANNED = "planned", _("実施予定")
    CANCELLED = "cancelled", _("中止")

    @property
    def glyph(self) -> str:
        return notation.CANONICAL_MARKERS[self.value]


def export_marker(status: str | None, marker: str) -> str:
    """The marker as written in the source while it still matches the status, else the glyph."""
    if status is None:
        return ""
    canonical = notation.CANONICAL_MARKERS[status]
    raw = marker.strip(" \u3000")
    if notation.LOOKALIKES.get(raw, raw) == canonical:
        return marker
    return canonical


def status_glyph(status: str | None) -> str:
    return notation.CANONICAL_MARKERS.get(status or "", "")


class FiscalYearQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published=True)

    def current(self):
        """The published year marked current, else the latest published one (None if none)."""
        years = self.published()
        return years.filter(is_current=True).first() or years.order_by("-year").first()

    def working(self):
        """The year staff are updating: the latest one, published or still a draft (None if none)."""
        return self.order_by("-year").first()


class FiscalYear(models.Model):
    year = models.PositiveSmallIntegerField(
        _("年度"), unique=True, help_text=_("西暦の開始年 (令和2年度 = 2020)")
    )
    title = models.CharField(_("表題"), max_length=200, blank=True)
    document_label = models.CharField(_("資料番号"), max_length=50, blank=True)
    results_header = models.TextField(
        _("実績欄の見出し"), blank=True, help_text=_("凡例を含む見出しセルの文字どおり")
    )
    legend = models.JSONField(_("凡例"), default=dict, blank=True)
    has_municipality_column = models.BooleanField(_("関係市町の列あり"), default=False)
    published = models.BooleanField(_("公開"), default=False)
    is_current = models.BooleanField(_("現在の年度"), default=False)
    imported_at = models.DateTimeField(_("最終取込日時"), null=True, blank=True)
    source_filename = models.CharField(_("取込ファイル名"), max_length=255, blank=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    objects = FiscalYearQuerySet.as_manager()

    class Meta:
        ordering = ["-year"]
        verbose_name = _("年度")
        verbose_name_plural = _("年度")
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"], condition=Q(is_current=True), name="one_current_fiscal_year"
            )
        ]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        return notation.fiscal_year_label(self.year)

    def legend_for(self, status: str) -> str:
        return self.legend.get(status) or notation.DEFAULT_LEGEND[status]

    def natural_key(self):
        return (self.year,)

    def get_absolute_url(self):
        return reverse("projects:project_list") + f"?year={self.year}"


class Municipality(models.Model):
    code = models.SlugField(_("コード"), unique=True)
    name = models.CharField(_("名称"), max_length=20, unique=True)
    order = models.PositiveSmallIntegerField(_("表示順"), default=0)

    class Meta:
        ordering = ["order"]
        verbose_name = _("市町")
        verbose_name_plural = _("市町")

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.code,)

    def get_absolute_url(self):
        return reverse("projects:municipality_detail", args=[self.code])


class Strategy(models.Model):
    fiscal_year = models.ForeignKey(
        FiscalYear, models.CASCADE, related_name="strategies", verbose_name=_("年度")
    )
    number = models.PositiveSmallIntegerField(_("番号"))
    title = models.CharField(_("名称"), max_length=200)
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

    def for_municipality(self, municipality):
        return self.filter(municipalities=municipality)

    def with_activities(self):
        return self.prefetch_related(
            "municipalities",
            models.Prefetch(
                "rows",
                queryset=ProjectRow.objects.prefetch_related(
                    models.Prefetch(
                        "activities", queryset=Activity.objects.prefetch_related("events")
                    )
                ),
            ),
        )

    def with_rows(self):
        """Municipalities, rows and their activities (no events): three queries however many."""
        return self.prefetch_related(
            "municipalities",
            models.Prefetch("rows", queryset=ProjectRow.objects.prefetch_related("activities")),
        )

    def with_counted_status_counts(self):
        """``n_<status>`` per project, leaving out 【再掲】 lines (counted where listed first)."""
        counted = ~Q(rows__activities__tags__contains="再掲")
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

    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering = ["fiscal_year", "order"]
        verbose_name = _("事業")
        verbose_name_plural = _("事業")
        indexes = [models.Index(fields=["fiscal_year", "number"])]

    def __str__(self):
        return (
            f"{self.number} {self.name}"
            if self.number is not None
            else self.name or _("(名称なし)")
        )

    def get_absolute_url(self):
        return reverse("projects:project_detail", args=[self.pk])


class ProjectRow(models.Model):
    """One row of the table: a project spans one or more, each with its own 事業の概要."""

    project = models.ForeignKey(
        Project, models.CASCADE, related_name="rows", verbose_name=_("事業")
    )
    order = models.PositiveIntegerField(_("順序"), default=0)
    summary = models.TextField(_("事業の概要"), blank=True)

    class Meta:
        ordering = ["project", "order"]
        verbose_name = _("事業の行")
        verbose_name_plural = _("事業の行")

    def __str__(self):
        return f"{self.project} / {self.order + 1}"


class ActivityQuerySet(models.QuerySet):
    def with_hierarchy(self):
        return self.select_related("row__project__measure__strategy__fiscal_year")

    def for_year(self, fiscal_year):
        return self.filter(row__project__fiscal_year=fiscal_year)

    def marked(self):
        return self.exclude(status__isnull=True)

    def editable_by(self, user):
        """Activities the user may edit: all for the secretariat, their municipality's for staff."""
        from .permissions import is_secretariat, municipality_of

        if is_secretariat(user):
            return self
        municipality = municipality_of(user)
        if municipality is None:
            return self.none()
        return self.filter(row__project__municipalities=municipality)

    def counted(self):
        """Without 【再掲】 lines: a re-listed item is counted once, where it is listed first."""
        return self.exclude(tags__contains="再掲")

    def status_totals_by_municipality(self) -> dict[int, dict[str, int]]:
        """``{municipality id: {status: n}}`` over the projects each municipality takes part in."""
        totals: dict[int, dict[str, int]] = {}
        rows = (
            self.filter(status__isnull=False, row__project__municipalities__isnull=False)
            .values_list("row__project__municipalities", "status")
            .annotate(n=Count("id"))
            .order_by()
        )
        for municipality_id, status, n in rows:
            totals.setdefault(municipality_id, dict.fromkeys(Status.values, 0))[status] = n
        return totals

    def status_totals(self) -> dict[str, int]:
        counts = dict(self.values_list("status").annotate(n=Count("id")).order_by())
        return {s: counts.get(s, 0) for s in Status.values}


class Activity(models.Model):
    row = models.ForeignKey(
        ProjectRow, models.CASCADE, related_name="activities", verbose_name=_("事業の行")
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

    def derive(self, fiscal_year: int) -> list["Event"]:
        """Recompute tags from the text; return the (unsaved) events of text and details."""
        self.tags = ",".join(notation.find_tags(self.text))
        return events_for(self, fiscal_year)

    def save(self, *args, **kwargs):
        fiscal_year = self.row.project.fiscal_year.year
        events = self.derive(fiscal_year)
        super().save(*args, **kwargs)
        self.events.all().delete()
        Event.objects.bulk_create(events)

    def line(self) -> str:
        return self.marker_for_export() + self.text


def events_for(activity: Activity, fiscal_year: int) -> list["Event"]:
    events = []
    for source in [activity.text, *activity.details]:
        for parsed in notation.parse_events(source, fiscal_year):
            events.append(Event.from_parsed(activity, parsed, order=len(events)))
    return events


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

    @classmethod
    def from_parsed(cls, activity, parsed, order=0):
        end = parsed.end
        return cls(
            activity=activity,
            order=order,
            start_date=parsed.start.first_day(),
            start_precision=Precision.DAY if parsed.start.day else Precision.MONTH,
            end_date=end.first_day() if end else None,
            end_precision=(Precision.DAY if end.day else Precision.MONTH) if end else "",
            approximate=parsed.approximate,
            planned=parsed.planned,
            source=parsed.source,
        )

    @staticmethod
    def _iso(value, precision):
        if value is None:
            return None
        return value.isoformat() if precision == Precision.DAY else value.strftime("%Y-%m")

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


class ChangeSource(models.TextChoices):
    PORTAL = "portal", _("画面")
    ADMIN = "admin", _("管理画面")
    IMPORT = "import", _("取込")
    ROLLOVER = "rollover", _("次年度作成")


class ChangeQuerySet(models.QuerySet):
    def for_project(self, project):
        return self.filter(project=project)

    def last_changed_at(self):
        """When the newest of these changes was made (None if there is none): "last updated"."""
        return self.aggregate(last=models.Max("changed_at"))["last"]


class Change(models.Model):
    """One recorded change of a field of an activity or a project: who, when, old → new."""

    fiscal_year = models.ForeignKey(
        FiscalYear, models.CASCADE, related_name="changes", verbose_name=_("年度")
    )
    project = models.ForeignKey(
        Project,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="changes",
        verbose_name=_("事業"),
    )
    activity = models.ForeignKey(
        Activity,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="changes",
        verbose_name=_("実績項目"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, verbose_name=_("変更者")
    )
    changed_at = models.DateTimeField(_("変更日時"), db_index=True)
    source = models.CharField(_("経路"), max_length=10, choices=ChangeSource.choices)
    field = models.CharField(_("項目"), max_length=30)
    old_value = models.TextField(_("変更前"), blank=True)
    new_value = models.TextField(_("変更後"), blank=True)

    objects = ChangeQuerySet.as_manager()

    class Meta:
        ordering = ["-changed_at", "-id"]
        verbose_name = _("変更履歴")
        verbose_name_plural = _("変更履歴")

    def __str__(self):
        return f"{self.changed_at:%Y-%m-%d %H:%M} {self.field}"


class StaffProfile(models.Model):
    """Links a user to the municipality whose activities they maintain."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="staff_profile",
        verbose_name=_("ユーザー"),
    )
    municipality = models.ForeignKey(
        Municipality,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("市町"),
    )
    is_secretariat = models.BooleanField(_("事務局"), default=False)

    class Meta:
        verbose_name = _("担当者")
        verbose_name_plural = _("担当者")

    def __str__(self):
        return f"{self.user} ({self.municipality or _('事務局')})"


class PendingUpload(models.Model):
    """A workbook uploaded for preview, kept until the secretariat confirms or cancels it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, verbose_name=_("アップロードした人")
    )
    created_at = models.DateTimeField(_("アップロード日時"), default=timezone.now)
    filename = models.CharField(_("ファイル名"), max_length=255)
    content = models.BinaryField(_("内容"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    year = models.PositiveSmallIntegerField(_("年度の指定"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("確認待ちのアップロード")
        verbose_name_plural = _("確認待ちのアップロード")

    def __str__(self):
        return f"{self.filename} ({self.created_at:%Y-%m-%d %H:%M})"
