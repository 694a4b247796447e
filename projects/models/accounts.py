"""Portal accounts: a user's role (secretariat or a municipality's staff), and uploads that wait
for their confirmation."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .area import Municipality


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
    is_demo = models.BooleanField(
        _("デモ用"),
        default=False,
        editable=False,
        help_text=_("load_demo が作成したアカウント: DEBUG が無効な環境ではログインできません"),
    )

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
    # What the preview the uploader saw was computed from (``ImportResult.snapshot``: activity
    # versions, file lines paired with activities, the rest of the difference), the token of
    # that preview page, and the conflicts that wait for a choice.
    snapshot = models.JSONField(_("確認時の状態"), default=dict, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("確認待ちのアップロード")
        verbose_name_plural = _("確認待ちのアップロード")

    def __str__(self):
        return f"{self.filename} ({self.created_at:%Y-%m-%d %H:%M})"

    @classmethod
    def lifetime(cls) -> timedelta:
        return timedelta(seconds=settings.OVERVIEW_PENDING_SECONDS)

    @property
    def expired(self) -> bool:
        return self.created_at < timezone.now() - self.lifetime()

    @classmethod
    def remove_expired(cls) -> int:
        """Delete the uploads whose preview was never confirmed in time; how many."""
        deleted, _ = cls.objects.filter(created_at__lt=timezone.now() - cls.lifetime()).delete()
        return deleted
