"""The reporting round (照会): the secretariat asks the towns for their results by a date.

Round → RoundTown (each town asked, and when it handed in its answer) → RoundAnswer (an
activity confirmed 「変更なし」; a changed activity is an answer by itself, read from ``Change``).
RoundMail is the log of the mail sent (one row per town and mail, so nothing is sent twice);
RoundSnapshot keeps the 資料 as it stood when the round was closed.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .activities import Activity
from .area import Municipality
from .years import FiscalYear


class RoundStatus(models.TextChoices):
    OPEN = "open", _("受付中")
    CLOSED = "closed", _("締切済み")


class RoundQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=RoundStatus.OPEN)

    def asking(self, municipality):
        """Rounds that ask the municipality for its answer."""
        return self.filter(towns__municipality=municipality)


class Round(models.Model):
    """One 照会 of one fiscal year; at most one is open per year at a time."""

    fiscal_year = models.ForeignKey(
        FiscalYear, models.CASCADE, related_name="rounds", verbose_name=_("年度")
    )
    title = models.CharField(_("件名"), max_length=200, help_text=_("例: 令和2年度実績見込み照会"))
    deadline = models.DateField(_("締切日"), help_text=_("この日の終わりまでに回答します"))
    message = models.TextField(_("依頼文"), blank=True)
    status = models.CharField(
        _("状態"), max_length=10, choices=RoundStatus.choices, default=RoundStatus.OPEN
    )
    opened_at = models.DateTimeField(_("開始日時"), default=timezone.now)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("開始した人"),
    )
    closed_at = models.DateTimeField(_("締切日時"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("締め切った人"),
    )

    objects = RoundQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name = _("照会")
        verbose_name_plural = _("照会")
        constraints = [
            models.UniqueConstraint(
                fields=["fiscal_year"],
                condition=Q(status="open"),
                name="one_open_round_per_year",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["open", "closed"]), name="round_status_valid"
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == RoundStatus.OPEN

    def get_absolute_url(self):
        return reverse("projects:round", args=[self.pk])


class RoundTown(models.Model):
    """A town asked in a round; ``submitted_at`` is when its staff handed in the answer."""

    round = models.ForeignKey(Round, models.CASCADE, related_name="towns", verbose_name=_("照会"))
    municipality = models.ForeignKey(
        Municipality, models.PROTECT, related_name="+", verbose_name=_("市町")
    )
    submitted_at = models.DateTimeField(_("回答日時"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("回答した人"),
    )

    class Meta:
        ordering = ["round", "municipality__order"]
        verbose_name = _("照会先の市町")
        verbose_name_plural = _("照会先の市町")
        constraints = [
            models.UniqueConstraint(fields=["round", "municipality"], name="unique_round_town")
        ]

    def __str__(self):
        return f"{self.round} / {self.municipality}"


class AnswerWay(models.TextChoices):
    ACTIVITY = "activity", _("項目ごと")
    PROJECT = "project", _("事業ごと")
    SUBMIT = "submit", _("回答の提出 (残りの項目)")


class RoundAnswer(models.Model):
    """A town's 「変更なし」 for one activity in a round."""

    round = models.ForeignKey(Round, models.CASCADE, related_name="answers", verbose_name=_("照会"))
    municipality = models.ForeignKey(
        Municipality, models.PROTECT, related_name="+", verbose_name=_("市町")
    )
    activity = models.ForeignKey(
        Activity,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="round_answers",
        verbose_name=_("実績項目"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("回答した人"),
    )
    answered_at = models.DateTimeField(_("回答日時"), default=timezone.now)
    way = models.CharField(_("回答の仕方"), max_length=10, choices=AnswerWay.choices)

    class Meta:
        ordering = ["round", "answered_at", "id"]
        verbose_name = _("変更なしの回答")
        verbose_name_plural = _("変更なしの回答")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "municipality", "activity"], name="unique_round_answer"
            )
        ]

    def __str__(self):
        return f"{self.municipality}: {self.activity}"


class MailKind(models.TextChoices):
    OPENED = "opened", _("照会の開始")
    REMINDER = "reminder", _("督促")
    DUE_SOON = "due_soon", _("締切の3日前")
    OVERDUE = "overdue", _("締切の経過")


class RoundMail(models.Model):
    """The log of the mail sent for a round: one row per mail and town. The unique key makes a
    second sending of the same mail impossible, whoever runs it and however often."""

    round = models.ForeignKey(Round, models.CASCADE, related_name="mails", verbose_name=_("照会"))
    kind = models.CharField(_("種類"), max_length=10, choices=MailKind.choices)
    sequence = models.PositiveSmallIntegerField(_("回"), default=0, help_text=_("督促の何回目か"))
    municipality = models.ForeignKey(
        Municipality, models.PROTECT, related_name="+", verbose_name=_("市町")
    )
    recipients = models.TextField(_("宛先"))
    subject = models.CharField(_("件名"), max_length=255)
    sent_at = models.DateTimeField(_("送信日時"), default=timezone.now)

    class Meta:
        ordering = ["round", "sent_at", "id"]
        verbose_name = _("送信したメール")
        verbose_name_plural = _("送信したメール")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "kind", "sequence", "municipality"], name="unique_round_mail"
            )
        ]

    def __str__(self):
        return f"{self.subject} → {self.municipality}"


class RoundSnapshot(models.Model):
    """The 資料 as it stood when the round was closed: the table (with the ids it had, to
    compare rounds item by item), its xlsx, and its PDF where the PDF export exists."""

    round = models.ForeignKey(
        Round, models.CASCADE, related_name="snapshots", verbose_name=_("照会")
    )
    taken_at = models.DateTimeField(_("作成日時"), default=timezone.now)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("締め切った人"),
    )
    table = models.JSONField(_("表"))
    xlsx = models.BinaryField(_("資料 (xlsx)"))
    pdf = models.BinaryField(_("資料 (PDF)"), null=True, blank=True)

    class Meta:
        ordering = ["-taken_at", "-id"]
        get_latest_by = "taken_at"
        verbose_name = _("締切時の資料")
        verbose_name_plural = _("締切時の資料")

    def __str__(self):
        return f"{self.round} ({timezone.localtime(self.taken_at):%Y-%m-%d %H:%M})"
