"""Admin of the area and its member municipalities: the secretariat edits them, staff read them.

A municipality that some year's table names (or that a staff account belongs to) is never
deleted: the delete page and the bulk action refuse with the reason, and point to retiring it
(「新しい年度に含めない」), which keeps it in the years whose data names it.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.contrib.admin.utils import unquote
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from projects.models import Area, Municipality
from projects.table.eras import fiscal_year_label

from .access import SecretariatWrites

AREA_FIELDS = ("name", "short_name", "council", "all_words")
SECRETARIAT_FIELDS = (
    "secretariat_name",
    "secretariat_address",
    "secretariat_phone",
    "secretariat_email",
)


class AreaForm(forms.ModelForm):
    all_words = forms.CharField(
        label=gettext_lazy("全市町を表す語"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "1 行に 1 語 (例: 全市町)。関係市町の欄でこの語は構成市町すべてを表します"
        ),
    )

    class Meta:
        model = Area
        fields = (*AREA_FIELDS, *SECRETARIAT_FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["all_words"] = "\n".join(self.instance.all_words or [])

    def clean_all_words(self):
        return [w.strip() for w in self.cleaned_data["all_words"].splitlines() if w.strip()]


@admin.register(Area)
class AreaAdmin(SecretariatWrites, admin.ModelAdmin):
    form = AreaForm
    list_display = ("name", "council", "secretariat_name")
    fieldsets = (
        (None, {"fields": AREA_FIELDS}),
        (gettext_lazy("事務局"), {"fields": SECRETARIAT_FIELDS}),
    )

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not Area.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False  # the portal serves one area; it is edited, never removed


def deletion_refused(municipality: Municipality) -> str:
    """Why the municipality cannot be deleted ("" when it can)."""
    years = Municipality.objects.filter(pk=municipality.pk).data_years().get(municipality.pk)
    if years:
        return _(
            "「%(name)s」は%(years)sの表 (関係市町) に出てくるため削除できません。"
            "圏域を離れた市町は「新しい年度に含めない」にしてください"
            " (それまでの年度のデータには残ります)。"
        ) % {"name": municipality, "years": "・".join(fiscal_year_label(y) for y in sorted(years))}
    accounts = list(municipality.staff.values_list("user__username", flat=True))
    if accounts:
        return _(
            "「%(name)s」には担当者のアカウント (%(accounts)s) があるため削除できません。"
            "先に担当者の市町を変えるか、「新しい年度に含めない」にしてください。"
        ) % {"name": municipality, "accounts": "、".join(accounts)}
    return ""


@admin.action(permissions=["delete"], description=gettext_lazy("選択した市町の削除"))
def delete_unused(modeladmin, request, queryset):
    """Django's bulk delete, once no selected municipality is named anywhere."""
    reasons = [r for m in queryset if (r := deletion_refused(m))]
    if reasons:
        for reason in reasons:
            modeladmin.message_user(request, reason, messages.ERROR)
        return None
    return delete_selected(modeladmin, request, queryset)


@admin.register(Municipality)
class MunicipalityAdmin(SecretariatWrites, admin.ModelAdmin):
    list_display = ("order", "name", "reading", "name_en", "lg_code", "slug", "retired")
    list_display_links = ("name",)
    list_filter = ("retired",)
    search_fields = ("name", "reading", "name_en", "slug", "lg_code")
    fields = ("name", "reading", "name_en", "lg_code", "slug", "order", "retired")
    actions = [delete_unused]

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def delete_view(self, request, object_id, extra_context=None):
        municipality = self.get_object(request, unquote(object_id))
        reason = deletion_refused(municipality) if municipality is not None else ""
        if reason and self.has_delete_permission(request, municipality):
            self.message_user(request, reason, messages.ERROR)
            url = reverse("admin:projects_municipality_change", args=[municipality.pk])
            return HttpResponseRedirect(url)
        return super().delete_view(request, object_id, extra_context)
