"""The public pages whose text the secretariat writes: contact, accessibility, privacy."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class SitePageKind(models.TextChoices):
    CONTACT = "contact", _("お問い合わせ")
    ACCESSIBILITY = "accessibility", _("アクセシビリティ")
    PRIVACY = "privacy", _("プライバシーポリシー")


class SitePage(models.Model):
    """One page of plain text (paragraphs separated by blank lines; no HTML), edited in the
    admin. The contact page also shows the area's secretariat fields (``Area``)."""

    kind = models.CharField(_("ページ"), max_length=20, choices=SitePageKind.choices, unique=True)
    title = models.CharField(_("見出し"), max_length=100)
    body = models.TextField(
        _("本文"), blank=True, help_text=_("空行で段落を分けます。HTML は使えません。")
    )
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    class Meta:
        ordering = ["kind"]
        verbose_name = _("案内ページ")
        verbose_name_plural = _("案内ページ")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("projects:site_page", args=[self.kind])
