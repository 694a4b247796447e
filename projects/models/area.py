"""The 連携中枢都市圏 itself: its name, its secretariat, and its member municipalities.

All of it is data, set up from a TOML file by ``manage.py setup_area`` and edited by the
secretariat in the admin; nothing in the code names a particular area or town.

A member that leaves the area is *retired*, never deleted once a year's table names it: it stays
a member of the years whose data names it (their pages, exports and re-imports keep it) and is
a member of no other year (the roll-over leaves it out, 「全市町」 in a new year means the others,
and a new year's 関係市町 cell that names it is an error).
"""

import re
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from projects.table.members import ALL_MUNICIPALITIES_WORDS, SPLIT_RE, Members

READING_RE = re.compile(r"^[\u3041-\u3096\u309d\u309e\u30a1-\u30fa\u30fc-\u30fe]*$")


def lg_code_check_digit(first_five: str) -> int:
    """The check digit of a 全国地方公共団体コード: (11 − Σ dᵢ·(6−i) mod 11) mod 10."""
    total = sum(int(d) * weight for d, weight in zip(first_five, (6, 5, 4, 3, 2), strict=True))
    return (11 - total % 11) % 10


def validate_lg_code(value: str) -> None:
    """Six ASCII digits: the five of the 団体コード and its check digit."""
    if not (len(value) == 6 and value.isascii() and value.isdigit()):
        raise ValidationError(
            _("全国地方公共団体コードは 6 桁の半角数字です (団体コード 5 桁と検査数字)。"),
            code="lg_code_format",
        )
    if int(value[5]) != lg_code_check_digit(value[:5]):
        raise ValidationError(
            _("全国地方公共団体コード「%(code)s」の検査数字が合いません (%(digit)s のはずです)。"),
            code="lg_code_check_digit",
            params={"code": value, "digit": lg_code_check_digit(value[:5])},
        )


def validate_reading(value: str) -> None:
    if not READING_RE.match(value):
        raise ValidationError(
            _("読み「%(value)s」はかな (ひらがな・カタカナ) だけで書いてください。"),
            code="reading",
            params={"value": value},
        )


def validate_cell_word(value: str) -> None:
    """A name or word a 関係市町 cell can hold: the cell is split at 、 ・ , / and spaces."""
    if SPLIT_RE.search(value):
        raise ValidationError(
            _(
                "「%(value)s」には区切りの文字 (、・,/ や空白) を使えません (関係市町の欄で区切りと読みます)。"
            ),
            code="separator",
            params={"value": value},
        )


class AreaQuerySet(models.QuerySet):
    def current(self):
        """The area this portal serves (there is one), or None before it is set up."""
        return self.order_by("pk").first()

    def members(self) -> Members:
        """The names a 関係市町 cell may use, in the area's order, the area's words for all of
        them (「全市町」), and the years in which each retired member may still be named."""
        area = self.current()
        words = tuple(area.all_words) if area and area.all_words else ALL_MUNICIPALITIES_WORDS
        municipalities = list(Municipality.objects.all())
        retired = [m for m in municipalities if m.retired]
        years = Municipality.objects.filter(retired=True).data_years() if retired else {}
        return Members(
            tuple(m.name for m in municipalities),
            words,
            {m.name: years.get(m.pk, set()) for m in retired},
        )


class Area(models.Model):
    """The partnership area; one row."""

    name = models.CharField(_("圏域の名称"), max_length=100)
    short_name = models.CharField(_("略称"), max_length=50, blank=True)
    council = models.CharField(
        _("協議会の名称"),
        max_length=150,
        blank=True,
        help_text=_("ページの下とオープンデータの出典に表示します"),
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

    def clean(self):
        words = self.all_words
        if not isinstance(words, list) or not all(isinstance(w, str) and w for w in words):
            raise ValidationError({"all_words": _("全市町を表す語は空でない語の並びです。")})
        errors = []
        for word in words:
            try:
                validate_cell_word(word)
            except ValidationError as exc:
                errors.extend(exc.error_list)
        clash = Municipality.objects.filter(name__in=words).values_list("name", flat=True)
        errors += [
            ValidationError(
                _("「%(word)s」は構成市町の名称です。全市町を表す語にはできません。"),
                code="member_name",
                params={"word": word},
            )
            for word in clash
        ]
        if errors:
            raise ValidationError({"all_words": errors})


class MunicipalityQuerySet(models.QuerySet):
    def active(self):
        """The members taking part in new years (retired ones stay for the years they were in)."""
        return self.filter(retired=False)

    def named_in_data(self):
        """Members that some year's table names (a project's or a row's 関係市町)."""
        return self.filter(
            Q(pk__in=Municipality.projects.through.objects.values("municipality_id"))
            | Q(pk__in=Municipality.rows.through.objects.values("municipality_id"))
        )

    def in_use(self):
        """Members that can only be retired, never deleted: some year's table names them, or
        a staff account belongs to them."""
        return self.filter(
            Q(pk__in=self.named_in_data().values("pk")) | Q(staff__isnull=False)
        ).distinct()

    def of_year(self, fiscal_year):
        """The members of a fiscal year: the active ones and the retired ones its data names."""
        return self.filter(
            Q(retired=False)
            | Q(
                pk__in=Municipality.projects.through.objects.filter(
                    project__fiscal_year=fiscal_year
                ).values("municipality_id")
            )
            | Q(
                pk__in=Municipality.rows.through.objects.filter(
                    projectrow__project__fiscal_year=fiscal_year
                ).values("municipality_id")
            )
        )

    def data_years(self) -> dict[int, set[int]]:
        """{member id: the fiscal years (西暦) whose table names it}, in two queries."""
        years = defaultdict(set)
        for through, path in (
            (Municipality.projects.through, "project__fiscal_year__year"),
            (Municipality.rows.through, "projectrow__project__fiscal_year__year"),
        ):
            links = through.objects.filter(municipality__in=self)
            for pk, year in links.values_list("municipality_id", path).distinct():
                years[pk].add(year)
        return dict(years)


class Municipality(models.Model):
    """A member municipality of the area."""

    slug = models.SlugField(
        _("URL 用の名前"),
        unique=True,
        help_text=_("半角の英小文字・数字・ハイフン (市町のページの URL になります)"),
    )
    name = models.CharField(_("名称"), max_length=20, unique=True, validators=[validate_cell_word])
    reading = models.CharField(
        _("読み"),
        max_length=40,
        blank=True,
        validators=[validate_reading],
        help_text=_("ひらがな (カタカナも可)"),
    )
    name_en = models.CharField(
        _("英語名 (ローマ字)"),
        max_length=40,
        blank=True,
        help_text=_("英語のページに出す名前 (例: Hagi)。検索でも使います"),
    )
    lg_code = models.CharField(
        _("全国地方公共団体コード"),
        max_length=6,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_lg_code],
        help_text=_("6 桁、検査数字つき"),
    )
    order = models.PositiveSmallIntegerField(_("表示順"), default=0)
    retired = models.BooleanField(
        _("新しい年度に含めない"),
        default=False,
        help_text=_(
            "圏域を離れた市町: その市町が出てくる年度のデータには残り、新しい年度"
            " (次年度の作成、取込の「全市町」) には含めません"
        ),
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

    def clean(self):
        area = Area.objects.current()
        if area and self.name in (area.all_words or []):
            raise ValidationError(
                {
                    "name": _("「%(name)s」は圏域の全市町を表す語です。市町の名称にはできません。")
                    % {"name": self.name}
                }
            )
        if not self.retired and not self.lg_code:
            raise ValidationError({"lg_code": _("全国地方公共団体コードを入力してください。")})
