"""The reporting round's pages under /staff/rounds/: the secretariat opens a round, follows
every town's progress, reminds, closes (confirmed) and reopens; a town's staff answer on the
round's page (「変更なし」 per activity or per project, changes on the staff page) and hand in
their answer (confirmed). Writes go through ``services.rounds`` and ``services.mail``."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from projects import permissions
from projects.downloads import attachment
from projects.forms import RoundForm
from projects.models import (
    Activity,
    AnswerWay,
    FiscalYear,
    Municipality,
    Round,
    RoundSnapshot,
    Status,
)
from projects.reports.history import history_line
from projects.reports.rounds import (
    changes_in,
    days_left,
    deadline_label,
    previous_round,
    progress,
)
from projects.services import mail
from projects.services import rounds as round_service
from projects.table import formats
from projects.table.diff import diff_states

from .staff import forbidden, staff_only

CHANGES_SHOWN = 200


def round_or_404(pk) -> Round:
    return get_object_or_404(Round.objects.select_related("fiscal_year"), pk=pk)


def secretariat_or_403(request):
    if not permissions.is_secretariat(request.user):
        return forbidden(request, round_service.SECRETARIAT_ONLY)
    return None


@staff_only
def round_list(request):
    rounds = Round.objects.select_related("fiscal_year")
    if not permissions.is_secretariat(request.user):
        rounds = rounds.asking(permissions.municipality_of(request.user))
    return render(
        request,
        "projects/rounds/list.html",
        {"rounds": rounds, "secretariat": permissions.is_secretariat(request.user)},
    )


@staff_only
def round_new(request):
    if refused := secretariat_or_403(request):
        return refused
    years = [fy for fy in FiscalYear.objects.order_by("-year") if not fy.locked]
    form = RoundForm(
        request.POST if request.method == "POST" else None,
        years=years,
        municipalities=Municipality.objects.active(),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            round_ = round_service.open_round(
                user=request.user,
                fiscal_year=data["fiscal_year"],
                title=data["title"],
                deadline=data["deadline"],
                message=data["message"],
                municipalities=data["municipalities"],
            )
        except round_service.RoundRefused as exc:
            form.add_error(None, str(exc))
        else:
            sent = mail.send_due(rounds=[round_])
            messages.success(request, f"照会「{round_.title}」を始めました。" + sent.message())
            return redirect(round_)
    return render(
        request,
        "projects/rounds/new.html",
        {"form": form, "no_years": not years},
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


@staff_only
def round_detail(request, pk):
    round_ = round_or_404(pk)
    if permissions.is_secretariat(request.user):
        slug = request.GET.get("municipality", "")
        if not slug:
            return overview_page(request, round_)
        municipality = get_object_or_404(Municipality, slug=slug)
        return answer_page(request, round_, municipality, can_answer=False)
    municipality = permissions.municipality_of(request.user)
    if not round_.towns.filter(municipality=municipality).exists():
        return forbidden(request, "この照会は、あなたの市町には届いていません。")
    return answer_page(request, round_, municipality, can_answer=round_.is_open)


def overview_page(request, round_: Round):
    state = progress(round_)
    snapshots = list(round_.snapshots.defer("table", "xlsx", "pdf"))
    changes = (
        changes_in(round_)
        .select_related("user", "project", "activity", "fiscal_year")
        .order_by("-changed_at", "-id")[:CHANGES_SHOWN]
    )
    context = {
        "round": round_,
        "progress": state,
        "deadline": deadline_label(round_.deadline),
        "days_left": days_left(round_),
        "days_over": max(0, -days_left(round_)),
        "snapshots": snapshots,
        "comparison": comparison(round_),
        "mails": round_.mails.select_related("municipality").order_by("-sent_at", "-id"),
        "changes": [history_line(c, context=True) for c in changes],
        "mail_setup": mail_setup(round_),
    }
    return render(request, "projects/rounds/overview.html", context)


LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1", "0.0.0.0")


def mail_setup(round_: Round) -> dict:
    """When the round's mail goes and where its links point (a warning when they point at
    this machine: ``PORTAL_BASE_URL`` left at its default)."""
    base = settings.PORTAL_BASE_URL
    return {
        "due_soon": round_.deadline - datetime.timedelta(days=mail.DUE_SOON_DAYS),
        "overdue": round_.deadline + datetime.timedelta(days=1),
        "round_url": mail.round_url(round_),
        "base": base,
        "local_base": urlsplit(base).hostname in LOCAL_HOSTS,
    }


def comparison(round_: Round) -> dict | None:
    """This round's latest snapshot against the previous round's of the same year."""
    earlier = previous_round(round_)
    if earlier is None:
        return None
    mine = round_.snapshots.order_by("-taken_at").first()
    theirs = earlier.snapshots.order_by("-taken_at").first()
    if mine is None or theirs is None:
        return {"previous": earlier, "diff": None}
    diff = diff_states(theirs.table, mine.table)
    rows = [(s, glyph, Status(s).label, a, b) for s, glyph, a, b in diff.distribution()]
    return {"previous": earlier, "diff": diff, "rows": rows}


@dataclass
class ActivityAnswer:
    activity: Activity
    changes: list[str] = field(default_factory=list)
    unchanged: object = None

    @property
    def answered(self) -> bool:
        return bool(self.changes or self.unchanged)


@dataclass
class ProjectAnswers:
    project: object
    items: list[ActivityAnswer] = field(default_factory=list)

    @property
    def open(self) -> int:
        return sum(not item.answered for item in self.items)


def answer_page(request, round_: Round, municipality, *, can_answer: bool):
    state = progress(round_, municipality=municipality)
    town = state.town(municipality)
    if town is None:
        raise Http404("この照会の市町ではありません。")
    activities = (
        Activity.objects.filter(pk__in=town.asked)
        .select_related("row__project__measure__strategy")
        .order_by("row__project__order", "row__order", "order")
    )
    projects: dict[int, ProjectAnswers] = {}
    for activity in activities:
        block = projects.setdefault(activity.row.project_id, ProjectAnswers(activity.row.project))
        block.items.append(
            ActivityAnswer(
                activity,
                [history_line(c) for c in town.changed.get(activity.pk, [])],
                town.unchanged.get(activity.pk),
            )
        )
    year_query = f"?year={round_.fiscal_year.year}"
    return render(
        request,
        "projects/rounds/answer.html",
        {
            "round": round_,
            "town": town,
            "projects": list(projects.values()),
            "can_answer": can_answer,
            "closure": "" if round_.is_open else closure_of(round_),
            "secretariat": permissions.is_secretariat(request.user),
            "deadline": deadline_label(round_.deadline),
            "days_left": days_left(round_),
            "edit_url": reverse("projects:staff_activities") + year_query,
        },
    )


def closure_of(round_: Round) -> str:
    """Why a closed round's answers and the year's activities can no longer be changed."""
    return permissions.year_closure(round_.fiscal_year) or (
        f"照会「{round_.title}」は締め切りました。"
    )


@require_POST
@staff_only
def answer(request, pk):
    """「変更なし」 for one activity (``activity``) or a whole project's open ones (``project``)."""
    round_ = round_or_404(pk)
    municipality = permissions.municipality_of(request.user)
    project, activity = request.POST.get("project", ""), request.POST.get("activity", "")
    mine = progress(round_, municipality=municipality).town(municipality) if municipality else None
    asked = mine.asked if mine else set()
    if project.isascii() and project.isdigit():
        ids = set(
            Activity.objects.filter(pk__in=asked, row__project=int(project)).values_list(
                "pk", flat=True
            )
        )
        way, anchor = AnswerWay.PROJECT, f"round-project-{project}"
    elif activity.isascii() and activity.isdigit():
        ids, way, anchor = {int(activity)}, AnswerWay.ACTIVITY, f"round-activity-{activity}"
    else:
        return forbidden(request, "回答する実績項目か事業を選んでください。")
    try:
        n = round_service.confirm_unchanged(
            user=request.user, round_=round_, activity_ids=ids, way=way
        )
    except round_service.RoundRefused as exc:
        return forbidden(request, str(exc))
    messages.success(request, f"{n} 項目を「変更なし」として回答しました。")
    return redirect(f"{round_.get_absolute_url()}#{anchor}")


@staff_only
def submit(request, pk):
    """Hand in the town's answer, after a confirmation that says what it does."""
    round_ = round_or_404(pk)
    municipality = permissions.municipality_of(request.user)
    town = progress(round_, municipality=municipality).town(municipality) if municipality else None
    if town is None:
        return forbidden(request, "この照会は、あなたの市町には届いていません。")
    if confirmed(request):
        try:
            n = round_service.submit(user=request.user, round_=round_)
        except round_service.RoundRefused as exc:
            return forbidden(request, str(exc))
        messages.success(
            request, f"回答を提出しました (残りの {n} 項目は「変更なし」として回答しました)。"
        )
        return redirect(round_)
    return confirm_page(
        request,
        round_,
        title="回答の提出",
        lines=[
            f"{town.municipality.name}の回答として提出します。{town.figures()}。",
            f"まだ回答していない {len(town.open)} 項目は「変更なし」として回答します。",
            "提出した後も、締切までは変更できます。",
        ],
        button="回答を提出する",
        action=reverse("projects:round_submit", args=[round_.pk]),
    )


def confirmed(request) -> bool:
    """Steps with consequences are done only from their confirmation page, whose button
    posts ``confirm=yes``; anything else shows the page."""
    return request.method == "POST" and request.POST.get("confirm") == "yes"


def confirm_page(request, round_, *, title, lines, button, action, danger=False, again=()):
    return render(
        request,
        "projects/rounds/confirm.html",
        {
            "round": round_,
            "title": title,
            "lines": lines,
            "button": button,
            "action": action,
            "danger": danger,
            "again": again,
        },
    )


@staff_only
def close(request, pk):
    round_ = round_or_404(pk)
    if refused := secretariat_or_403(request):
        return refused
    if confirmed(request):
        try:
            round_service.close_round(user=request.user, round_=round_)
        except round_service.RoundRefused as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                f"照会「{round_.title}」を締め切りました。締切時の資料を保存しました。",
            )
        return redirect(round_)
    state = progress(round_)
    return confirm_page(
        request,
        round_,
        title="照会の締切",
        lines=[
            f"照会「{round_.title}」を締め切ります ({state.summary()})。",
            f"回答を提出していない市町: {'、'.join(t.municipality.name for t in state.still_open) or 'なし'}。",
            f"今の{round_.fiscal_year.label}の資料を締切時の資料として保存します。",
            "締め切ると、担当者はこの年度の実績項目を変更できなくなります (再開すると変更できます)。",
        ],
        button="締め切る",
        action=reverse("projects:round_close", args=[round_.pk]),
        danger=True,
    )


@staff_only
def reopen(request, pk):
    round_ = round_or_404(pk)
    if refused := secretariat_or_403(request):
        return refused
    if confirmed(request):
        try:
            round_service.reopen_round(user=request.user, round_=round_)
        except round_service.RoundRefused as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"照会「{round_.title}」を再開しました。")
        return redirect(round_)
    return confirm_page(
        request,
        round_,
        title="照会の再開",
        lines=[
            f"照会「{round_.title}」を再開し、回答を受け付けます。",
            "担当者は再びこの年度の実績項目を変更できます。保存した締切時の資料は残ります。",
        ],
        button="再開する",
        action=reverse("projects:round_reopen", args=[round_.pk]),
    )


@staff_only
def snapshot_file(request, pk, snapshot, fmt):
    """The 資料 as it stood at the close, as it was saved then."""
    round_ = round_or_404(pk)
    if (
        not permissions.is_secretariat(request.user)
        and not round_.towns.filter(municipality=permissions.municipality_of(request.user)).exists()
    ):
        return forbidden(request, "この照会は、あなたの市町には届いていません。")
    saved = get_object_or_404(RoundSnapshot, pk=snapshot, round=round_)
    content = {"xlsx": saved.xlsx, "pdf": saved.pdf}.get(fmt)
    if not content or fmt not in formats.CONTENT_TYPES:
        raise Http404("この形式の締切時の資料はありません。")
    stamp = timezone.localtime(saved.taken_at).strftime("%Y%m%d-%H%M")
    name = f"renkei-overview-{round_.fiscal_year.year}-round-{round_.pk}-{stamp}.{fmt}"
    return attachment(bytes(content), fmt, name)
