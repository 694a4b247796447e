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
from projects.downloads import csv_response, overview_download
from projects.models import Activity, Change, FiscalYear
from projects.reports.history import YEAR_SWITCHES, describe
from projects.reports.tables import AsOfRefused
from projects.reports.years import compare_years, comparison_csv_rows
from projects.services import years as year_service

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
            messages.success(request, rollover_message(result))
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


def rollover_message(result) -> str:
    return (
        f"{result.fiscal_year.label}を下書きとして作成しました"
        f" (事業 {result.projects}、実績項目 {result.activities}、載せなかった項目 {result.dropped})。"
    )


SWITCH_DONE = {
    "publish": "{year}を公開しました。",
    "unpublish": "{year}を非公開にしました。",
    "current": "{year}を現在の年度にしました。",
    "lock": "{year}の資料を確定しました。担当者はこの年度の実績項目を変更できません。",
    "unlock": "{year}の資料の確定を解除しました。担当者は再び変更できます。",
}
SWITCH_ALREADY = {
    "publish": "{year}は既に公開しています。",
    "unpublish": "{year}は公開していません。",
    "current": "{year}は既に現在の年度です。",
    "lock": "{year}の資料は既に確定しています。",
    "unlock": "{year}の資料は確定していません。",
}


def switch_message(outcome) -> str:
    """A year switch's outcome (``services.years.YearSwitch``) in words."""
    year = outcome.fiscal_year.label
    words = SWITCH_DONE if outcome.done else SWITCH_ALREADY
    message = words[outcome.action].format(year=year)
    if outcome.action == "publish" and outcome.current is not None:
        message += "現在の年度にしました。"
    elif outcome.action == "unpublish" and outcome.current is not None:
        message += f"現在の年度は{outcome.current.label}です。"
    return message


def _switch(action):
    @require_POST
    @secretariat_only
    def view(request, year):
        fiscal_year = get_object_or_404(FiscalYear, year=year)
        try:
            outcome = action(fiscal_year=fiscal_year, user=request.user)
        except year_service.LifecycleRefused as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, switch_message(outcome))
        return redirect("projects:years")

    return view


def _confirmed(action, *, title, lines, button):
    """A switch that is done only from its confirmation page: a GET (or a POST without
    ``confirm``) shows what it will do; the page's button posts ``confirm``."""

    @secretariat_only
    def view(request, year):
        fiscal_year = get_object_or_404(FiscalYear, year=year)
        if request.method == "POST" and request.POST.get("confirm") == "yes":
            try:
                outcome = action(fiscal_year=fiscal_year, user=request.user)
            except year_service.LifecycleRefused as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, switch_message(outcome))
            return redirect("projects:years")
        context = {
            "fiscal_year": fiscal_year,
            "title": title.format(year=fiscal_year.label),
            "lines": [line.format(year=fiscal_year.label) for line in lines(fiscal_year)],
            "button": button.format(year=fiscal_year.label),
        }
        return render(request, "projects/years/confirm.html", context)

    return view


make_current = _switch(year_service.make_current)


@secretariat_only
def publish(request, year):
    """Publishing, from a page that says what citizens will see and asks whether the year
    becomes the current one (the year the home page opens on)."""
    fiscal_year = get_object_or_404(FiscalYear, year=year)
    current = FiscalYear.objects.current()
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        becomes_current = current is None or request.POST.get("current") == "yes"
        try:
            outcome = year_service.publish(
                fiscal_year=fiscal_year, user=request.user, current=becomes_current
            )
        except year_service.LifecycleRefused as exc:
            messages.error(request, str(exc))
        else:
            shown = fiscal_year if becomes_current else current
            messages.success(
                request,
                switch_message(outcome) + f"市民のトップページは{shown.label}を表示します。",
            )
        return redirect("projects:years")
    label = fiscal_year.label
    counts = Activity.objects.filter(row__project__fiscal_year=fiscal_year).count()
    projects = fiscal_year.projects.count()
    lines = [
        f"{label}を公開します ({projects} 事業・{counts} 実績項目)。市民のページ (事業一覧・"
        f"市町別・カレンダー・オープンデータ・印刷用の表) で{label}を選べるようになります。"
    ]
    choices = []
    if fiscal_year.published:
        lines = [f"{label}は既に公開しています。"]
    elif current is None:
        lines.append(
            f"公開中の年度がないため、{label}が現在の年度になり、トップページは{label}を表示します。"
        )
    else:
        newer = fiscal_year.year > current.year
        choices = [
            {
                "value": "yes",
                "checked": newer,
                "label": f"{label}を現在の年度にする: トップページと事業一覧は{label}を表示します"
                f" (今は{current.label})。",
            },
            {
                "value": "no",
                "checked": not newer,
                "label": f"現在の年度は{current.label}のまま: トップページは{current.label}を表示し、"
                f"{label}は年度の切り替えから選べます。",
            },
        ]
    context = {
        "fiscal_year": fiscal_year,
        "title": f"{label}の公開",
        "lines": lines,
        "choices": choices,
        "button": f"{label}を公開する",
        "safe": True,
    }
    return render(request, "projects/years/confirm.html", context)


def _unpublish_lines(fiscal_year):
    lines = [
        "{year}を非公開にします。市民のページから{year}が消え、その URL は見つからなくなります。"
    ]
    if fiscal_year.is_current:
        successor = (
            FiscalYear.objects.published().exclude(pk=fiscal_year.pk).order_by("-year").first()
        )
        lines.append(
            f"{{year}}は現在の年度です。現在の年度は{successor.label}に移ります。"
            if successor
            else "{year}は現在の年度です。ほかに公開中の年度がないため、トップページに年度がなくなります。"
        )
    return lines


unpublish = _confirmed(
    year_service.unpublish,
    title="{year}の非公開",
    lines=_unpublish_lines,
    button="{year}を非公開にする",
)
lock = _confirmed(
    year_service.lock,
    title="{year}の資料の確定",
    lines=lambda fy: [
        "{year}の資料を確定します。",
        "担当者は{year}の実績項目を変更できなくなり、実績の更新でも{year}を選べなくなります"
        " (担当者による取込も受け付けません)。事務局はこれまでどおり変更できます。",
        "確定はこのページからいつでも解除でき、確定と解除は記録に残ります。",
    ],
    button="{year}の資料を確定する",
)
unlock = _confirmed(
    year_service.unlock,
    title="{year}の資料の確定の解除",
    lines=lambda fy: ["{year}の資料の確定を解除し、担当者が再び変更できるようにします。"],
    button="{year}の確定を解除する",
)


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
    fmt = "pdf" if request.GET.get("format") == "pdf" else "xlsx"
    try:
        return overview_download(fiscal_year, fmt=fmt, as_of=day)
    except AsOfRefused as exc:
        messages.error(request, f"出力する時点: {exc}")
        return redirect("projects:years")


# ---------------------------------------------------------------------------- public


def _compared_years(request) -> tuple[list[FiscalYear], FiscalYear | None, FiscalYear | None]:
    """Published years (every year, drafts too, for the secretariat: a draft is checked
    against the year before it is published), and the two asked for (default: the latest two).
    404 for any other."""
    years = FiscalYear.objects.order_by("-year")
    if not permissions.is_secretariat(request.user):
        years = years.published()
    years = list(years)
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
