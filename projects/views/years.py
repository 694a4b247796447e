"""Fiscal years: the secretariat's page 「年度の管理」 (roll-over, publishing, the table as of a
date) and the public comparison of two years. Writes go through ``services.years``."""

from __future__ import annotations

import datetime
from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from projects import permissions
from projects.models import Activity, Change, FiscalYear
from projects.reports.history import YEAR_SWITCHES, describe
from projects.reports.tables import overview_as_of
from projects.reports.years import compare_years, comparison_csv_rows
from projects.services import years as year_service

from .downloads import csv_response, overview_file

NOT_SECRETARIAT = "年度の管理は事務局だけが行えます。"


def secretariat_only(view):
    """Logged-in secretariat; anyone else logged in gets a 403 with the reason."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not permissions.is_secretariat(request.user):
            return render(
                request, "projects/years/forbidden.html", {"message": NOT_SECRETARIAT}, status=403
            )
        return view(request, *args, **kwargs)

    return wrapper


class AsOfForm(forms.Form):
    as_of = forms.DateField(
        label="時点",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": "日付を入力してください。",
            "invalid": "日付が正しくありません。",
        },
    )

    def clean_as_of(self):
        day = self.cleaned_data["as_of"]
        if day >= datetime.date.max:  # the end of the day would be past the last date
            raise forms.ValidationError(self.fields["as_of"].error_messages["invalid"])
        return day


class RolloverForm(forms.Form):
    keep = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)
    reset_status = forms.BooleanField(
        label="載せる ● ■ の項目は △ 実施予定にする", required=False, initial=True
    )

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["keep"].choices = [(str(a.pk), a.text) for a in candidates]

    def kept_ids(self) -> set[int]:
        return {int(pk) for pk in self.cleaned_data["keep"]}


@secretariat_only
def year_list(request):
    years = list(FiscalYear.objects.annotate(n_projects=Count("projects")).order_by("-year"))
    activities = dict(
        Activity.objects.values_list("row__project__fiscal_year").annotate(n=Count("id")).order_by()
    )
    existing = {fy.year for fy in years}
    for fy in years:
        fy.n_activities = activities.get(fy.pk, 0)
        fy.next_label = FiscalYear(year=fy.year + 1).label
        fy.can_roll_over = fy.year + 1 not in existing
    history = (
        Change.objects.filter(field__in=YEAR_SWITCHES)
        .select_related("fiscal_year", "user")
        .order_by("-changed_at", "-id")[:20]
    )
    return render(
        request,
        "projects/years/year_list.html",
        {
            "years": years,
            "history": [(c, describe(c)) for c in history],
            "today": timezone.localdate(),
            "published": [fy for fy in years if fy.published],
        },
    )


@secretariat_only
def rollover(request, year):
    source = get_object_or_404(FiscalYear, year=year)
    target_label = FiscalYear(year=year + 1).label
    if FiscalYear.objects.filter(year=year + 1).exists():
        messages.error(request, f"{target_label}は既にあります。")
        return redirect("projects:years")
    candidates = list(year_service.rollover_candidates(source))
    data = request.POST if request.method == "POST" else None
    form = RolloverForm(data, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        try:
            result = year_service.roll_over(
                source=source,
                keep_activity_ids=form.kept_ids(),
                reset_kept_status=form.cleaned_data["reset_status"],
                user=request.user,
            )
        except year_service.LifecycleRefused as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, result.message())
        return redirect("projects:years")
    checked = set(form["keep"].value() or []) if form.is_bound else set()
    return render(
        request,
        "projects/years/rollover.html",
        {
            "source": source,
            "target_label": target_label,
            "form": form,
            "candidates": [(a, str(a.pk) in checked) for a in candidates],
        },
    )


def _switch(action):
    @require_POST
    @secretariat_only
    def view(request, year):
        fiscal_year = get_object_or_404(FiscalYear, year=year)
        try:
            messages.success(request, action(fiscal_year=fiscal_year, user=request.user))
        except year_service.LifecycleRefused as exc:
            messages.error(request, str(exc))
        return redirect("projects:years")

    return view


publish = _switch(year_service.publish)
unpublish = _switch(year_service.unpublish)
make_current = _switch(year_service.make_current)


@secretariat_only
def export_as_of(request, year):
    """The year's 資料 (xlsx, or the PDF with ``format=pdf``) as it stood at the end of the day
    given."""
    fiscal_year = get_object_or_404(FiscalYear, year=year)
    form = AsOfForm(request.GET)
    if not form.is_valid():
        messages.error(request, "出力する時点: " + " ".join(form.errors["as_of"]))
        return redirect("projects:years")
    day = form.cleaned_data["as_of"]
    overview = overview_as_of(fiscal_year, day)
    fmt = "pdf" if request.GET.get("format") == "pdf" else "xlsx"
    return overview_file(overview, fmt, f"-as-of-{day.isoformat()}")


# ---------------------------------------------------------------------------- public


def _compared_years(request) -> tuple[list[FiscalYear], FiscalYear | None, FiscalYear | None]:
    """Published years, and the two asked for (default: the latest two). 404 for any other."""
    years = list(FiscalYear.objects.published().order_by("-year"))
    by_year = {str(fy.year): fy for fy in years}
    chosen = []
    for name, default in (("a", 1), ("b", 0)):
        value = request.GET.get(name, "")
        if value:
            if value not in by_year:
                raise Http404("公開している年度ではありません。")
            chosen.append(by_year[value])
        else:
            chosen.append(years[default] if len(years) > default else None)
    return years, chosen[0], chosen[1]


def compare(request):
    years, a, b = _compared_years(request)
    comparison = compare_years(a, b) if a and b and a != b else None
    return render(
        request,
        "projects/years/compare.html",
        {"years": years, "a": a, "b": b, "comparison": comparison},
    )


def compare_csv(request):
    years, a, b = _compared_years(request)
    if not (a and b and a != b):
        raise Http404("比較する 2 つの年度を指定してください。")
    comparison = compare_years(a, b)
    name = f"renkei-compare-{comparison.year_a.year}-{comparison.year_b.year}.csv"
    return csv_response(comparison_csv_rows(comparison), name)
