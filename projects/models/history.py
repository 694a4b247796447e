"""The history of changes: who changed which field of what, when, from where, old → new."""

import json

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .activities import Activity
from .table import Project
from .years import FiscalYear


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
    subject = models.CharField(
        _("対象"),
        max_length=200,
        blank=True,
        help_text=_("事業・実績項目より上の変更の対象 (「取組 1」「施策 1-ア」「行 2」など)"),
    )
    old_value = models.TextField(_("変更前"), blank=True)
    new_value = models.TextField(_("変更後"), blank=True)

    objects = ChangeQuerySet.as_manager()

    class Meta:
        ordering = ["-changed_at", "-id"]
        verbose_name = _("変更履歴")
        verbose_name_plural = _("変更履歴")

    def __str__(self):
        return f"{self.changed_at:%Y-%m-%d %H:%M} {self.field}"

    @classmethod
    def record(
        cls,
        *,
        source: str,
        field: str,
        old,
        new,
        at,
        subject: str = "",
        user=None,
        fiscal_year=None,
        project=None,
        activity=None,
    ) -> "Change":
        """An unsaved history row; every writer builds its rows here. Values are stored as text:
        None as "", True/False as "true"/"false", a list of lines joined by line breaks. The
        year, project and activity may be given as instances or ids; the year defaults to the
        project's; a user without a primary key (anonymous) is not kept. ``subject`` names what
        changed where the project and activity do not say it (「取組 1」, 「行 2」)."""
        if fiscal_year is None and isinstance(project, models.Model):
            fiscal_year = project.fiscal_year_id
        refs = {"fiscal_year": fiscal_year, "project": project, "activity": activity}
        return cls(
            **{f"{k}_id" if isinstance(v, int) else k: v for k, v in refs.items()},
            user=user if getattr(user, "pk", None) else None,
            changed_at=at,
            source=source,
            field=field,
            subject=subject[:200],
            old_value=as_text(old),
            new_value=as_text(new),
        )


def deleted_activity_value(activity, change_ids=()) -> str:
    """What a deletion records besides the line (the old value): the activity's place, values,
    creation time and its recorded changes, as JSON in the new value. The table as of an
    earlier date puts the activity back from it (the changes lose their link to a deleted
    activity, so their ids are kept here)."""
    return json.dumps(
        {
            "row": activity.row_id,
            "order": activity.order,
            "status": activity.status,
            "marker": activity.marker,
            "text": activity.text,
            "details": list(activity.details),
            "created_at": activity.created_at.isoformat(),
            "changes": list(change_ids),
        },
        ensure_ascii=False,
    )


def as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return "\n".join(str(v) for v in value)
    return str(value)
