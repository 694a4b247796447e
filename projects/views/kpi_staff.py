"""The KPI pages of the portal's own people: a town reports the year's values of its indicators
(or 集計中); the secretariat sees every indicator, sets the evaluation with the computed
achievement ratio beside it, and uploads the year's 成果指標 sheet. Writes go through
``services.kpi.reporting`` and ``services.kpi``; every check is made there, on the server."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from projects import permissions
from projects.downloads import attachment
from projects.models import FiscalYear, Indicator, IndicatorChange, KpiEdition
from projects.reports import kpi as data
from projects.reports.kpi.export import workbook_bytes
from projects.services.kpi import import_kpi, read_kpi_file
from projects.services.kpi import reporting as kpi_reports
from projects.services.kpi import rollover as kpi_rollover
from projects.table.files import WorkbookError

from .years import secretariat_only

NOT_STAFF = "成果指標の報告は、市町の担当者と事務局が行えます。"
NO_FILE = "成果指標の表 (xlsx) を選んでください。"


def _edition(request):
    years = FiscalYear.objects.for_staff()
    asked = request.GET.get("year") or request.POST.get("year")
    chosen = next((fy for fy in years if str(fy.year) == asked), None) if asked else None
    for fy in [chosen] if chosen else years:
        edition = KpiEdition.objects.filter(fiscal_year=fy).select_related("fiscal_year").first()
        if edition is not None:
            return edition
    return None


@login_required
def indicator_list(request):
    if not permissions.is_portal_staff(request.user):
        return render(request, "projects/staff/forbidden.html", {"message": NOT_STAFF}, status=403)
    edition = _edition(request)
    working = FiscalYear.objects.working()
    views = []
    if edition is not None:
        views = data.views(kpi_reports.indicators_for(request.user, edition), edition)
    history = IndicatorChange.objects.filter(indicator__edition=edition).select_related(
        "indicator", "user"
    )[:20]
    return render(
        request,
        "projects/kpi/staff.html",
        {
            "edition": edition,
            "indicators": views,
            "legend": edition.get_legend() if edition else None,
            "is_secretariat": permissions.is_secretariat(request.user),
            "closed": permissions.year_refusal(request.user, edition.fiscal_year)
            if edition
            else "",
            "history": history,
            "working": working,
            "can_carry_over": permissions.is_secretariat(request.user)
            and edition is not None
            and working is not None
            and working.year > edition.fiscal_year.year
            and not KpiEdition.objects.filter(fiscal_year=working).exists(),
        },
    )


@secretariat_only
@require_POST
def carry_over(request, year):
    target = get_object_or_404(FiscalYear, year=year)
    try:
        edition = kpi_rollover.carry_over(user=request.user, target=target)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect("/staff/kpi/")
    messages.success(
        request,
        f"{target.label}の成果指標を前年度から作りました ({edition.indicators.count()} 指標)。"
        "評価は空欄です。新しい表を取り込むと、同じ番号と名称の指標を更新します。",
    )
    return redirect(f"/staff/kpi/?year={year}")


@login_required
def export(request, year):
    """The year's KPI sheet as xlsx, in the layout it was imported in (portal staff)."""
    if not permissions.is_portal_staff(request.user):
        return render(request, "projects/staff/forbidden.html", {"message": NOT_STAFF}, status=403)
    edition = get_object_or_404(
        KpiEdition.objects.select_related("fiscal_year"), fiscal_year__year=year
    )
    return attachment(workbook_bytes(edition), "xlsx", f"renkei-kpi-{year}.xlsx")


def _back(indicator):
    year = indicator.edition.fiscal_year.year
    return redirect(f"/staff/kpi/?year={year}#kpi-{indicator.pk}")


@login_required
@require_POST
def report(request, pk):
    indicator = get_object_or_404(Indicator.objects.select_related("edition__fiscal_year"), pk=pk)
    try:
        year = int(request.POST.get("value_year", ""))
    except ValueError:
        year = 0
    try:
        change = kpi_reports.report_value(
            user=request.user,
            indicator=indicator,
            year=year,
            text=request.POST.get("value", ""),
            survey_period=request.POST.get("survey_period", "").strip(),
        )
    except PermissionDenied as exc:
        return render(request, "projects/staff/forbidden.html", {"message": str(exc)}, status=403)
    except ValidationError as exc:
        messages.error(request, f"「{indicator.name}」: {exc.messages[0]}")
        return _back(indicator)
    if change is None:
        messages.info(request, f"「{indicator.name}」の値は変わっていません。")
    else:
        shown = data.value_label(indicator.values.get(year=year), indicator.unit)
        messages.success(request, f"「{indicator.name}」の{year}年度の値を「{shown}」にしました。")
    return _back(indicator)


@secretariat_only
@require_POST
def evaluate(request, pk):
    indicator = get_object_or_404(Indicator.objects.select_related("edition__fiscal_year"), pk=pk)
    try:
        change = kpi_reports.set_evaluation(
            user=request.user, indicator=indicator, symbol=request.POST.get("evaluation", "")
        )
    except ValidationError as exc:
        messages.error(request, f"「{indicator.name}」: {exc.messages[0]}")
        return _back(indicator)
    if change is not None:
        messages.success(
            request, f"「{indicator.name}」の評価を「{change.new_value or '(なし)'}」にしました。"
        )
    return _back(indicator)


@secretariat_only
def upload(request, year):
    fiscal_year = get_object_or_404(FiscalYear, year=year)
    errors = []
    if request.method == "POST":
        upload_file = request.FILES.get("file")
        if upload_file is None:
            errors = [NO_FILE]
        else:
            try:
                sheet = read_kpi_file(upload_file)
            except WorkbookError as exc:
                errors = [str(p) for p in exc.problems]
            else:
                result = import_kpi(
                    sheet=sheet, year=year, user=request.user, filename=upload_file.name
                )
                errors = [str(p) for p in result.errors]
                if not errors:
                    messages.success(
                        request,
                        f"{fiscal_year.label}の成果指標を取り込みました: 新規 {result.created}、"
                        f"更新 {result.updated}、削除 {result.removed}",
                    )
                    return redirect(f"/staff/kpi/?year={year}")
    edition = KpiEdition.objects.filter(fiscal_year=fiscal_year).first()
    return render(
        request,
        "projects/kpi/upload.html",
        {"fiscal_year": fiscal_year, "edition": edition, "errors": errors},
        status=400 if errors else 200,
    )
