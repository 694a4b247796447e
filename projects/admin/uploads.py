"""The workbook upload in the admin: upload → preview (nothing written) → confirm or cancel.

The uploaded bytes wait in ``PendingUpload`` between the steps; the preview and the confirmation
both re-read them and run the same service as the ``import_overview`` command (the preview as
a dry run), with the uploader's permissions checked on every difference. The confirmation
compares what it would write with what the preview was computed from (kept with the upload):
an activity changed in between is a conflict the uploader decides item by item. Size is checked
from Content-Length before the body is read, and again while it streams in.
"""

from __future__ import annotations

import hashlib
import io
import secrets

from django.conf import settings
from django.contrib import messages
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from portal.middleware import reads_its_own_body, refused_field
from projects import permissions
from projects.forms import UploadForm
from projects.models import FiscalYear, PendingUpload
from projects.services.imports import (
    ImportConflict,
    ImportRefused,
    import_overview,
    read_workbook,
)
from projects.table.files import WorkbookError
from projects.table.files import too_large as file_too_large

from .previews import diff_rows, other_rows

FORM_OVERHEAD = 64 * 1024  # multipart boundaries and the other fields
NOT_ALLOWED = "資料をアップロードできるのは、担当の市町が設定された職員と事務局だけです。"


def too_large(size: int) -> str:
    return file_too_large(size, settings.OVERVIEW_MAX_UPLOAD_BYTES)


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


def declared_length(request) -> int:
    """The body's Content-Length; one that is no number counts as none (Django reads it so)."""
    value = request.META.get("CONTENT_LENGTH") or ""
    return int(value) if value.isascii() and value.isdigit() else 0


def with_form_hints(problems):
    """The reader's problems, with what to do about them in this form's words."""
    for problem in problems:
        if problem.code == "no_year":
            problem.message += "「年度」の欄で年度を指定してください。"
    return problems


EXPIRED = "確認待ちのアップロードが見つかりません (取り消し済みか、取込済みか、期限切れです)。"
STALE_PAGE = (
    "この確認画面は古くなっています (別の画面で確認し直されました)。"
    "下の内容を確認してから、もう一度「確定して取り込む」を押してください。"
)
PLAN_CHANGED = (
    "確認画面を表示した後に、データベースの内容 (年度・取組・施策・事業・行) が変わったため、"
    "取込の内容も変わりました。何も書き込んでいません。下の内容を確認してから、もう一度確定してください。"
)
SINCE_PREVIEW = (
    "確認画面を表示した後に、次の実績項目が他の人に変更されました。何も書き込んでいません。"
    "項目ごとに「ファイルの内容で上書きする」か「今の内容のままにする」かを選んで、もう一度確定してください。"
)
CHOOSE = "競合した項目ごとに、上書きするか今の内容のままにするかを選んでください。"


def overview_of(pending: PendingUpload):
    source = io.BytesIO(bytes(pending.content))
    source.name = pending.filename  # named in the messages
    return read_workbook(source, year=pending.year)


def dry_run(pending: PendingUpload, user):
    overview = overview_of(pending)
    return overview, import_overview(overview, dry_run=True, user=user, filename=pending.filename)


def remember(pending: PendingUpload, result, *, conflicts=()) -> str:
    """Keep what this page was computed from, and the conflicts it asks about; the token ties
    a confirmation to the page."""
    token = secrets.token_hex(8)
    pending.snapshot = {
        "result": result.snapshot,
        "token": token,
        "conflicts": [
            {
                "key": d.key,
                "cell": d.cell,
                "project": d.project,
                "describe": d.describe(),
                "since_preview": d.since_preview,
            }
            for d in conflicts
        ],
    }
    pending.save(update_fields=["snapshot"])
    return token


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
        @reads_its_own_body  # control characters are checked once the upload cap is set
        @csrf_exempt  # CSRF is checked below, after the size check and the upload cap are set
        def view(request):
            if not permissions.can_upload(request.user):
                return self.render(request, "upload.html", status=403, refused=NOT_ALLOWED)
            if request.method == "POST":
                length = declared_length(request)
                if length > settings.OVERVIEW_MAX_UPLOAD_BYTES + FORM_OVERHEAD:
                    return self.render(
                        request,
                        "upload.html",
                        status=413,
                        form=UploadForm(),
                        problems=[too_large(length)],
                    )
                request.upload_handlers.insert(0, SizeCap(request))
                refused = refused_field(request)
                if refused is not None:
                    return refused
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
            )
        PendingUpload.remove_expired()
        pending.save()
        return redirect(reverse("admin:projects_fiscalyear_upload_preview", args=[pending.pk]))

    def preview(self, request, pk):
        pending = PendingUpload.objects.filter(pk=pk, user=request.user).first()
        if pending is None or pending.expired or not permissions.can_upload(request.user):
            raise Http404(EXPIRED)
        if request.method == "POST" and "cancel" in request.POST:
            pending.delete()
            messages.info(request, "アップロードを取り消しました。データベースは変更していません。")
            return redirect(reverse("admin:projects_fiscalyear_upload"))
        if request.method == "POST" and "confirm" in request.POST:
            return self.confirm(request, pending)
        return self.show(request, pending)

    def show(self, request, pending, *, status=200, notice="", conflict=None, asking=False):
        """The preview: what the file would change now, computed without writing. After a
        conflict it asks about each conflicting activity; ``asking`` asks again (the same
        conflicts, the same token) when the choices were not all made."""
        try:
            overview, result = dry_run(pending, request.user)
        except (WorkbookError, ImportRefused) as exc:
            return self.refused(request, pending, exc)
        if asking:
            token, since = pending.snapshot["token"], pending.snapshot["conflicts"]
        else:
            since = conflict.since_preview if conflict else []
            token = remember(pending, conflict or result, conflicts=since)
            since = pending.snapshot["conflicts"]
        return self.render(
            request,
            "upload_preview.html",
            status=status,
            pending=pending,
            overview=overview,
            result=result,
            diffs=diff_rows(result),
            others=other_rows(result),
            summary=result.summary_counts(),
            conflicts=[row for row in diff_rows(result) if row["diff"].conflict],
            since_preview=since,
            notice=notice,
            token=token,
        )

    def refused(self, request, pending, exc):
        problems = exc.problems if isinstance(exc, WorkbookError) else exc.result.errors
        return self.render(
            request,
            "upload_preview.html",
            status=400,
            pending=pending,
            problems=with_form_hints(problems),
        )

    def confirm(self, request, pending):
        """Apply the file as the preview showed it, re-checked under lock: an activity changed
        since the preview is a conflict to decide item by item, never overwritten silently."""
        stored = pending.snapshot or {}
        if request.POST.get("token") != stored.get("token"):
            return self.show(request, pending, status=409, notice=STALE_PAGE)
        asked = [item["key"] for item in stored.get("conflicts", [])]
        choices = {key: request.POST.get(f"choice-{key}", "") for key in asked}
        if any(value not in ("overwrite", "keep") for value in choices.values()):
            return self.show(request, pending, status=400, notice=CHOOSE, asking=True)
        keep = {key for key, value in choices.items() if value == "keep"}
        try:
            with transaction.atomic():
                result = import_overview(
                    overview_of(pending),
                    user=request.user,
                    filename=pending.filename,
                    preview=stored.get("result", {}),
                    keep=keep,
                )
                pending.delete()
        except (WorkbookError, ImportRefused) as exc:
            return self.refused(request, pending, exc)
        except ImportConflict as exc:
            if exc.result.since_preview:
                return self.show(
                    request, pending, status=409, notice=SINCE_PREVIEW, conflict=exc.result
                )
            return self.show(request, pending, status=409, notice=PLAN_CHANGED)
        message = "取り込みました。" + " ".join(result.summary_lines())
        if keep:
            message += f" 今の内容のままにした実績項目: {len(keep)} 件。"
        messages.success(request, message)
        fiscal_year = FiscalYear.objects.get(year=result.fiscal_year)
        return redirect(reverse("admin:projects_fiscalyear_change", args=[fiscal_year.pk]))
