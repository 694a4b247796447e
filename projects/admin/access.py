"""Who sees and writes what in the admin: the rules of ``projects.permissions``, not Django's
model permissions. The secretariat writes everything; staff with a municipality read the
hierarchy and write their municipality's activities."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBadRequest, HttpResponseRedirect
from django.utils.html import format_html_join

from projects import permissions
from projects.forms import validate_cell_text
from projects.models import ChangeSource, Project, ProjectRow
from projects.reports.history import history_line
from projects.services import editing
from projects.services.changes import ChangeSet
from projects.services.recorded import heading_follows_title


class CellTextFields:
    """Every text field of the admin's forms holds only what a cell of the 資料 can."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if isinstance(field, forms.CharField) and validate_cell_text not in field.validators:
            field.validators.append(validate_cell_text)
        return field


class SecretariatWrites(CellTextFields):
    """The secretariat writes; staff with a municipality may read."""

    def has_module_permission(self, request):
        return permissions.is_portal_staff(request.user)

    def has_view_permission(self, request, obj=None):
        return permissions.is_portal_staff(request.user)

    def has_add_permission(self, request, obj=None):
        return permissions.is_secretariat(request.user)

    def has_change_permission(self, request, obj=None):
        return permissions.is_secretariat(request.user)

    def has_delete_permission(self, request, obj=None):
        return permissions.is_secretariat(request.user)

    # Every write of the admin is a change set (``services.changes``): the object with its
    # inlines and relations is written by ``save_related``, deletions likewise.

    def save_model(self, request, obj, form, change):
        """Written by ``save_related``, with its relations and inlines, in one change set."""

    def save_related(self, request, form, formsets, change):
        def write():
            heading_follows_title(form.instance)
            form.instance.save()
            super(SecretariatWrites, self).save_related(request, form, formsets, change)

        admin_write(request, write)

    def save_formset(self, request, form, formset, change):
        for inline_form in formset.forms:
            heading_follows_title(inline_form.instance)
        super().save_formset(request, form, formset, change)

    def delete_model(self, request, obj):
        admin_write(request, lambda: super(SecretariatWrites, self).delete_model(request, obj))

    def delete_queryset(self, request, queryset):
        admin_write(
            request, lambda: super(SecretariatWrites, self).delete_queryset(request, queryset)
        )


def admin_write(request, write) -> None:
    """A write of the admin's own forms (years, strategies, the area, towns, pages): the
    secretariat's only, then everything derived from the table renewed."""
    changes = ChangeSet(user=request.user, source=ChangeSource.ADMIN)
    changes.add(changes.secretariat_only, lambda: (write(), changes.whole_table()))
    changes.commit()


class SecretariatOnly(SecretariatWrites):
    def has_module_permission(self, request):
        return permissions.is_secretariat(request.user)

    def has_view_permission(self, request, obj=None):
        return permissions.is_secretariat(request.user)


DATE_PARTS = {"year": (1, 9999), "month": (1, 12), "day": (1, 31)}
BAD_DATE = "日付の絞り込み (%(name)s=%(value)s) が正しくありません。一覧から選び直してください。"


class CheckedDateHierarchy:
    """The changelist's date drill-down reads year, month and day from the query string;
    Django turns a year such as 99999999 into an OverflowError (a server error). Refuse those
    with a 400 and a message before the changelist parses them."""

    def changelist_view(self, request, extra_context=None):
        if self.date_hierarchy:
            for part, (low, high) in DATE_PARTS.items():
                name = f"{self.date_hierarchy}__{part}"
                value = request.GET.get(name)
                if value is None:
                    continue
                if not (value.isascii() and value.isdigit() and low <= int(value) <= high):
                    message = BAD_DATE % {"name": name, "value": value[:20]}
                    return HttpResponseBadRequest(
                        message.encode(), content_type="text/plain; charset=utf-8"
                    )
        return super().changelist_view(request, extra_context)


def scoped_to_municipality(queryset, user):
    """Staff see their municipality's part of the table (the rows that concern it, the projects
    with such a row and their history); the secretariat all of it."""
    if permissions.is_secretariat(user):
        return queryset
    municipality = permissions.municipality_of(user)
    if municipality is None:
        return queryset.none()
    if queryset.model is ProjectRow:
        return queryset.filter(pk__in=ProjectRow.objects.concerning(municipality).values("pk"))
    projects = Project.objects.for_municipality(municipality)
    if queryset.model is Project:
        return queryset.filter(pk__in=projects.values("pk"))
    return queryset.filter(project__in=projects)


def history_html(changes):
    lines = [(history_line(c),) for c in changes[:20]]
    if not lines:
        return "(変更はありません)"
    return format_html_join("", "<div>{}</div>", lines)


def refuse_conflicts(request, view, *args, **kwargs):
    """A save that lost a race, or that the year no longer allows, is rolled back and
    reported, never applied."""
    try:
        return view(request, *args, **kwargs)
    except editing.EditConflict as conflict:
        messages.error(request, str(conflict))
        return HttpResponseRedirect(request.get_full_path())
    except PermissionDenied as refused:
        if request.method != "POST" or not str(refused):
            raise  # the admin's own refusal to show a page
        messages.error(request, str(refused))  # a save the year no longer allows
        return HttpResponseRedirect(request.get_full_path())
