"""Each workbook import, kept as a version of its year that the secretariat can undo."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .years import FiscalYear


class ImportVersion(models.Model):
    """One applied import: who, when, the file and what it did, and the year's table before
    and right after it (with the ids of every level, so that an undo can tell the import's
    changes from the edits made since).

    ``before`` and ``after`` are NULL when the import created the year: such a version is
    not undone, so nothing is compared with the table it left. ``undoes`` is set on the version an
    undo wrote (an undo is an import of the earlier state, through the same service)."""

    fiscal_year = models.ForeignKey(
        FiscalYear, models.CASCADE, related_name="import_versions", verbose_name=_("年度")
    )
    imported_at = models.DateTimeField(_("取込日時"), db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("取り込んだ人"),
    )
    filename = models.CharField(_("ファイル名"), max_length=255, blank=True)
    content = models.BinaryField(_("ファイル"), blank=True, default=b"")
    summary = models.TextField(_("結果"), blank=True)
    before = models.JSONField(_("取込前の表"), null=True, blank=True)
    after = models.JSONField(_("取込後の表"), null=True, blank=True)
    undoes = models.OneToOneField(
        "self",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="undone_by",
        verbose_name=_("取り消した取込"),
    )

    class Meta:
        ordering = ["-imported_at", "-id"]
        verbose_name = _("取込の版")
        verbose_name_plural = _("取込の版")

    def __str__(self):
        return f"{self.fiscal_year} {self.filename} ({self.imported_at:%Y-%m-%d %H:%M})"
