"""Fiscal years (年度)."""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from projects.table.eras import fiscal_year_label
from projects.table.layout import Layout
from projects.table.layout import from_json as layout_from_json
from projects.table.notation import DEFAULT_LEGEND


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

    def for_staff(self) -> list:
        """The years the staff page offers, newest first: the working year and every earlier one
        not yet locked (in February and March the results of year N are still being written
        while the draft of N+1 exists)."""
        years = list(self.order_by("-year"))
        return [fy for i, fy in enumerate(years) if i == 0 or not fy.locked]


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
    layout = models.JSONField(
        _("様式"),
        default=dict,
        blank=True,
        editable=False,
        help_text=_(
            "取り込んだ資料の様式 (シート名、表の上の行、列の並び、結合、印刷の設定、改ページ)。"
            "出力はこの様式で書きます。空なら令和2年度の様式"
        ),
    )
    published = models.BooleanField(_("公開"), default=False)
    is_current = models.BooleanField(_("現在の年度"), default=False)
    locked = models.BooleanField(
        _("確定"),
        default=False,
        help_text=_("資料が確定した年度。担当者は変更できず、実績の更新の年度の選択にも出ません"),
    )
    imported_at = models.DateTimeField(_("最終取込日時"), null=True, blank=True)
    stated_date = models.DateField(
        _("資料の時点"),
        null=True,
        blank=True,
        help_text=_("資料に書かれた「…現在」の日付 (取込で読みます)。公開ページの「データの時点」"),
    )
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
        return fiscal_year_label(self.year)

    def legend_for(self, status: str) -> str:
        return self.legend.get(status) or DEFAULT_LEGEND[status]

    def sheet_layout(self) -> Layout | None:
        """The form of the edition the year was imported from (None: the 令和2年度 form)."""
        return layout_from_json(self.layout)

    def natural_key(self):
        return (self.year,)

    def get_absolute_url(self):
        return reverse("projects:project_list") + f"?year={self.year}"
