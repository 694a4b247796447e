"""The workbook upload in the admin: upload → preview (nothing written) → confirm or cancel.

The uploaded bytes wait in ``PendingUpload`` between the steps; the preview and the confirmation
both re-read them and run the same service as the ``import_overview`` command (the preview as
a dry run), so what is confirmed is what the current database would become. Size is checked
from Content-Length before the body is read, and again while it streams in.
"""

from __future__ import annotations

import hashlib
import io
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from projects import permissions
from projects.forms import UploadForm
from projects.models import FiscalYear, PendingUpload
from projects.reports.history import status_display
from projects.services.imports import ImportRefused, import_overview, read_workbook
from projects.table.files import WorkbookError

FORM_OVERHEAD = 64 * 1024  # multipart boundaries and the other fields
PENDING_LIFETIME = timedelta(days=1)
NOT_ALLOWED = "資料をアップロードできるのは、担当の市町が設定された職員と事務局だけです。"


def too_large(size: int) -> str:
    limit = settings.OVERVIEW_MAX_UPLOAD_BYTES
    return f"ファイルが大きすぎます ({size:,} バイト、上限 {limit:,} バイト)。"


class SizeCap(FileUploadHandler):
    """Stops reading an upload body that grows past the cap (no or false Content-Length)."""

    def __init__(self, request=None):
        super().__init__(request)
        self.exceeded = 0

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > settings.OVERVIEW_MAX_UPLOAD_BYTES:
            self.exceeded = start + len(raw_data)
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size):
        return None


def with_form_hints(problems):
    """The reader's problems, with what to do about them in this form's words."""
    for problem in problems:
        if problem.code == "no_year":
            problem.message += "「年度」の欄で年度を指定してください。"
    return problems


def dry_run(pending: PendingUpload, user, *, apply: bool = False):
    source = io.BytesIO(bytes(pending.content))
    source.name = pending.filename  # named in the messages
    overview = read_workbook(source, year=pending.year)
    fiscal_year = FiscalYear.objects.filter(year=overview.fiscal_year).first()
    editable = (
        permissions.project_ids_editable_by(user, fiscal_year)
        if fiscal_year is not None
        else (None if permissions.is_secretariat(user) else set())
    )
    result = import_overview(
        overview,
        dry_run=not apply,
        user=user,
        filename=pending.filename,
        editable_project_ids=editable,
    )
    return overview, result


def diff_rows(result):
    return [
        {
            "diff": d,
            "old_status": status_display(d.old_status),
            "new_status": status_display(d.new_status),
            "status_changed": d.old_status != d.new_status,
            "text_changed": d.old_text != d.new_text,
        }
        for d in result.activity_changes
    ]


class UploadViews:
    def __init__(self, model_admin):
        self.model_admin = model_admin

    def context(self, request, **extra):
        opts = self.model_admin.model._meta
        return {
            **self.model_admin.admin_site.each_context(request),
            "opts": opts,
            "title": "資料のアップロード",
            **extra,
        }

    def render(self, request, template, status=200, **extra):
        return TemplateResponse(
            request,
            f"admin/projects/fiscalyear/{template}",
            self.context(request, **extra),
            status=status,
        )

    @property
    def start(self):
        @csrf_exempt  # CSRF is checked below, after the size check and the upload cap are set
        def view(request):
            if not permissions.can_upload(request.user):
                return self.render(request, "upload.html", status=403, refused=NOT_ALLOWED)
            if request.method == "POST":
                length = int(request.META.get("CONTENT_LENGTH") or 0)
                if length > settings.OVERVIEW_MAX_UPLOAD_BYTES + FORM_OVERHEAD:
                    return self.render(
                        request,
                        "upload.html",
                        status=413,
                        form=UploadForm(),
                        problems=[too_large(length)],
                    )
                request.upload_handlers.insert(0, SizeCap(request))
            return csrf_protect(self.receive)(request)

        return view

    def receive(self, request):
        form = UploadForm(request.POST or None, request.FILES or None)
        cap = next((h for h in request.upload_handlers if isinstance(h, SizeCap)), None)
        if cap is not None and cap.exceeded:
            return self.render(
                request,
                "upload.html",
                status=413,
                form=UploadForm(),
                problems=[too_large(cap.exceeded)],
            )
        if request.method != "POST" or not form.is_valid():
            return self.render(
                request, "upload.html", status=400 if form.is_bound else 200, form=form
            )
        upload = form.cleaned_data["file"]
        content = upload.read()
        pending = PendingUpload(
            user=request.user,
            filename=upload.name[:255],
            content=content,
            sha256=hashlib.sha256(content).hexdigest(),
            year=form.cleaned_data["year"],
        )
        try:
            dry_run(pending, request.user)
        except WorkbookError as exc:
            return self.render(
                request,
                "upload.html",
                status=400,
                form=form,
                problems=with_form_hints(exc.problems),
            )
        except ImportRefused as exc:
            return self.render(
                request,
                "upload.html",
                status=400,
                form=form,
                problems=with_form_hints(exc.result.errors),
                warnings=exc.result.warnings,
            )
        PendingUpload.objects.filter(created_at__lt=timezone.now() - PENDING_LIFETIME).delete()
        pending.save()
        return redirect(reverse("admin:projects_fiscalyear_upload_preview", args=[pending.pk]))

    def preview(self, request, pk):
        pending = PendingUpload.objects.filter(pk=pk, user=request.user).first()
        if pending is None or not permissions.can_upload(request.user):
            raise Http404("確認待ちのアップロードが見つかりません (取り消し済みか、取込済みです)。")
        if request.method == "POST" and "cancel" in request.POST:
            pending.delete()
            messages.info(request, "アップロードを取り消しました。データベースは変更していません。")
            return redirect(reverse("admin:projects_fiscalyear_upload"))
        apply = request.method == "POST" and "confirm" in request.POST
        try:
            with transaction.atomic():
                overview, result = dry_run(pending, request.user, apply=apply)
                if apply:
                    pending.delete()
        except (WorkbookError, ImportRefused) as exc:
            problems = exc.problems if isinstance(exc, WorkbookError) else exc.result.errors
            problems = with_form_hints(problems)
            return self.render(
                request, "upload_preview.html", status=400, pending=pending, problems=problems
            )
        if apply:
            messages.success(request, "取り込みました。" + " ".join(result.summary_lines()))
            fiscal_year = FiscalYear.objects.get(year=result.fiscal_year)
            return redirect(reverse("admin:projects_fiscalyear_change", args=[fiscal_year.pk]))
        return self.render(
            request,
            "upload_preview.html",
            pending=pending,
            overview=overview,
            result=result,
            diffs=diff_rows(result),
            conflicts=[row for row in diff_rows(result) if row["diff"].conflict],
        )
