"""A year's import versions (the secretariat's): who imported which file when and what it did,
the file itself, and the undo of the latest import — its conflicts with later edits shown
first, then what the undo will change, confirmed before anything is written."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from projects.downloads import attachment
from projects.models import FiscalYear, ImportVersion
from projects.reports.history import status_display
from projects.services import undo as undo_service
from projects.services.imports import ImportRefused

from .years import secretariat_only


@secretariat_only
def version_list(request, year):
    fiscal_year = get_object_or_404(FiscalYear, year=year)
    rows = list(
        fiscal_year.import_versions.select_related("user", "undoes", "undone_by").defer(
            "content", "before", "after"
        )
    )
    for version in rows:
        version.refusal = undo_service.refusal(version)
    return render(
        request,
        "projects/years/import_versions.html",
        {"fiscal_year": fiscal_year, "versions": rows},
    )


@secretariat_only
def version_file(request, pk):
    version = get_object_or_404(ImportVersion, pk=pk)
    if not version.content:
        messages.error(request, "この版にはファイルがありません (取消で作った版です)。")
        return redirect("projects:import_versions", version.fiscal_year.year)
    name = version.filename.rsplit("/", 1)[-1] or f"import-{version.pk}.xlsx"
    return attachment(bytes(version.content), "xlsx", name.replace('"', ""))


@require_http_methods(["GET", "POST"])
@secretariat_only
def undo(request, pk):
    version = get_object_or_404(ImportVersion.objects.select_related("fiscal_year", "user"), pk=pk)
    back = redirect("projects:import_versions", version.fiscal_year.year)
    try:
        if request.method == "POST" and request.POST.get("confirm") == "yes":
            plan = undo_service.undo(version, user=request.user)
            kept = f"取込の後の変更 {len(plan.conflicts)} か所はそのまま残しました。"
            messages.success(
                request,
                f"取込「{version.filename}」を取り消しました。"
                + " ".join(plan.result.summary_lines())
                + (kept if plan.conflicts else ""),
            )
            return back
        plan = undo_service.plan_undo(version, user=request.user)
    except undo_service.UndoRefused as exc:
        messages.error(request, str(exc))
        return back
    except ImportRefused as exc:
        messages.error(request, "取り消せません: " + " ".join(str(e) for e in exc.result.errors))
        return back
    diffs = [
        (d, status_display(d.old_status), status_display(d.new_status))
        for d in plan.result.activity_changes
    ]
    return render(
        request,
        "projects/years/import_undo.html",
        {"version": version, "plan": plan, "diffs": diffs},
    )
