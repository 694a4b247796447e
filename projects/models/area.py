"""The 連携中枢都市圏 itself: its name, its secretariat, and its member municipalities.

All of it is data, set up from a TOML file by ``manage.py setup_area`` and edited by the
secretariat in the admin; nothing in the code names a particular area or town.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from projects.table.members import ALL_MUNICIPALITIES_WORDS, Members


def lg_code_check_digit(first_five: str) -> int:
    """The check digit of a 全国地方公共団体コード: (11 − Σ dᵢ·(6−i) mod 11) mod 10."""
    total = sum(int(d) * weight for d, weight in zip(first_five, (6, 5, 4, 3, 2), strict=True))
    return (11 - total % 11) % 10


def validate_lg_code(value: str) -> None:
    """Six ASCII digits whose last is the check digit of the first five (山口市 352039)."""
    if not (len(value) == 6 and value.isascii() and value.isdigit()):
        raise ValidationError(
            _("全国地方公共団体コードは 6 桁の数字です (例: 352039)。"), code="lg_code_format"
        )
    if int(value[5]) != lg_code_check_digit(value[:5]):
        raise ValidationError(
            _("全国地方公共団体コード「%(code)s」の検査数字が合いません (%(digit)s のはずです)。"),
            code="lg_code_check_digit",
            params={"code": value, "digit": lg_code_check_digit(value[:5])},
        )


class AreaQuerySet(models.QuerySet):
    def current(self):
        """The area this portal serves (there is one), or None before it is set up."""
        return self.order_by("pk").first()

    def members(self) -> Members:
        """The names a 関係市町 cell may use, in the area's order, and the area's words for all
        of them (「全市町」)."""
        area = self.current()
        words = tuple(area.all_words) if area and area.all_words else ALL_MUNICIPALITIES_WORDS
        return Members(tuple(Municipality.objects.values_list("name", flat=True)), words)


class Area(models.Model):
    """The partnership area; one row."""

    name = models.CharField(_("圏域の名称"), max_length=100)
    short_name = models.CharField(_("略称"), max_length=50, blank=True)
    council = models.CharField(
        _("協議会の名称"), max_length=150, blank=True, help_text=_("ページの下に表示します")
    )
    all_words = models.JSONField(
        _("全市町を表す語"),
        default=list,
        blank=True,
        help_text=_("関係市町の欄でこの語は構成市町すべてを表します (例: 全市町、圏域市町)"),
    )
    secretariat_name = models.CharField(_("事務局の名称"), max_length=150, blank=True)
    secretariat_address = models.CharField(_("事務局の所在地"), max_length=200, blank=True)
    secretariat_phone = models.CharField(_("事務局の電話"), max_length=50, blank=True)
    secretariat_email = models.EmailField(_("事務局のメール"), blank=True)

    objects = AreaQuerySet.as_manager()

    class Meta:
        verbose_name = _("圏域")
        verbose_name_plural = _("圏域")

    def __str__(self):
        return self.name


class MunicipalityQuerySet(models.QuerySet):
    def active(self):
        """The members taking part in new years (retired ones stay for the years they were in)."""
        return self.filter(retired=False)


class Municipality(models.Model):
    """A member municipality of the area."""

    slug = models.SlugField(_("URL 用の名前"), unique=True, help_text=_("例: ube"))
    name = models.CharField(_("名称"), max_length=20, unique=True)
    reading = models.CharField(_("読み"), max_length=40, blank=True, help_text=_("ひらがな"))
    lg_code = models.CharField(
        _("全国地方公共団体コード"),
        max_length=6,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_lg_code],
        help_text=_("6 桁、検査数字つき (例: 352039)"),
    )
    order = models.PositiveSmallIntegerField(_("表示順"), default=0)
    retired = models.BooleanField(
        _("新しい年度に含めない"),
        default=False,
        help_text=_("圏域を離れた市町: それまでの年度のデータには残ります"),
    )

    objects = MunicipalityQuerySet.as_manager()

    class Meta:
        ordering = ["order"]
        verbose_name = _("市町")
        verbose_name_plural = _("市町")

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)

    def get_absolute_url(self):
        return reverse("projects:municipality_detail", args=[self.slug])
