"""The reporting round (照会): the secretariat opens it, the towns answer, the secretariat
closes it (the 資料 is frozen in a snapshot) or reopens it. Each step is recorded in ``Change``;
the mail that goes with the steps is ``services.mail``'s.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from projects import permissions
from projects.models import (
    AnswerWay,
    Change,
    ChangeSource,
    FiscalYear,
    Municipality,
    Round,
    RoundAnswer,
    RoundSnapshot,
    RoundStatus,
    RoundTown,
)
from projects.reports.export import PdfUnavailable, export_year
from projects.reports.rounds import progress
from projects.reports.snapshots import year_state

from .changes import commit_one

SECRETARIAT_ONLY = "照会を開始・督促・締切・再開できるのは事務局だけです。"

logger = logging.getLogger(__name__)


class RoundRefused(Exception):
    """A round step that was not done; the message says why (Japanese)."""


def _require_secretariat(user):
    if not permissions.is_secretariat(user):
        raise RoundRefused(SECRETARIAT_ONLY)


def _record(round_: Round, user, field_name: str) -> None:
    Change.record(
        fiscal_year=round_.fiscal_year_id,
        user=user,
        at=timezone.now(),
        source=ChangeSource.PORTAL,
        field=field_name,
        old=round_.deadline.isoformat(),
        new=round_.title,
    ).save()


@transaction.atomic
def open_round(
    *,
    user,
    fiscal_year: FiscalYear,
    title: str,
    deadline: datetime.date,
    message: str = "",
    municipalities: Iterable[Municipality] = (),
) -> Round:
    """Ask the towns (default: every active member) for the year's results by ``deadline``."""
    _require_secretariat(user)
    fiscal_year = FiscalYear.objects.select_for_update().get(pk=fiscal_year.pk)
    if fiscal_year.locked:
        raise RoundRefused(f"{fiscal_year.label}の資料は確定しているため、照会できません。")
    current = fiscal_year.rounds.open().first()
    if current is not None:
        raise RoundRefused(
            f"{fiscal_year.label}には受付中の照会「{current.title}」があります。"
            "締め切ってから新しい照会を始めてください。"
        )
    if deadline < timezone.localdate():
        raise RoundRefused("締切日が過ぎています。今日以降の日付にしてください。")
    towns = list(municipalities) or list(Municipality.objects.active())
    if not towns:
        raise RoundRefused("照会する市町を選んでください。")
    round_ = Round.objects.create(
        fiscal_year=fiscal_year,
        title=title,
        deadline=deadline,
        message=message,
        opened_by=user,
        opened_at=timezone.now(),
    )
    RoundTown.objects.bulk_create([RoundTown(round=round_, municipality=m) for m in towns])
    _record(round_, user, "round_opened")
    return round_


def _town_of(round_: Round, user) -> RoundTown:
    if not round_.is_open:
        raise RoundRefused(f"照会「{round_.title}」は締め切りました。回答は受け付けていません。")
    municipality = permissions.municipality_of(user)
    town = round_.towns.filter(municipality=municipality).first() if municipality else None
    if town is None:
        raise RoundRefused("この照会は、あなたの市町には届いていません。")
    return town


def confirm_unchanged(*, user, round_: Round, activity_ids: Iterable[int], way: str) -> int:
    """The town's 「変更なし」 for some of its activities (those not answered yet); returns how
    many were answered now. A change set of one, as every write."""
    return commit_one(
        user=user,
        source=ChangeSource.PORTAL,
        write=lambda changes: _confirm_unchanged(user, round_, set(activity_ids), way),
    )


def _confirm_unchanged(user, round_: Round, wanted: set[int], way: str) -> int:
    town = _town_of(round_, user)
    mine = progress(round_, municipality=town.municipality).towns[0]
    if not wanted <= mine.asked:
        raise RoundRefused("この照会であなたの市町に尋ねていない実績項目です。")
    now = timezone.now()
    new = [
        RoundAnswer(
            round=round_,
            municipality=town.municipality,
            activity_id=pk,
            user=user,
            answered_at=now,
            way=way,
        )
        for pk in sorted(wanted & mine.open)
    ]
    RoundAnswer.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def submit(*, user, round_: Round) -> int:
    """Hand in the town's answer: what it has not answered yet is 「変更なし」."""
    return commit_one(
        user=user, source=ChangeSource.PORTAL, write=lambda changes: _submit(user, round_)
    )


def _submit(user, round_: Round) -> int:
    town = RoundTown.objects.select_for_update().get(pk=_town_of(round_, user).pk)
    mine = progress(round_, municipality=town.municipality).towns[0]
    answered = _confirm_unchanged(user, round_, set(mine.open), AnswerWay.SUBMIT)
    town.submitted_at, town.submitted_by = timezone.now(), user
    town.save(update_fields=["submitted_at", "submitted_by"])
    return answered


def snapshot_pdf(fiscal_year: FiscalYear) -> bytes | None:
    """The snapshot's PDF (the meeting handout, from the one export); where the machine cannot
    render PDFs (WeasyPrint, pango or the font missing) the snapshot keeps its xlsx only."""
    try:
        return export_year(fiscal_year, fmt="pdf").content
    except PdfUnavailable as exc:
        logger.warning("round snapshot without a PDF: %s", exc)
        return None


@transaction.atomic
def close_round(*, user, round_: Round) -> RoundSnapshot:
    """Close the round and freeze the 資料 as it stands (staff can no longer change the year's
    activities until the round is reopened)."""
    _require_secretariat(user)
    round_ = Round.objects.select_for_update().select_related("fiscal_year").get(pk=round_.pk)
    if not round_.is_open:
        raise RoundRefused(f"照会「{round_.title}」は既に締め切っています。")
    now = timezone.now()
    round_.status, round_.closed_at, round_.closed_by = RoundStatus.CLOSED, now, user
    round_.save(update_fields=["status", "closed_at", "closed_by"])
    snapshot = RoundSnapshot.objects.create(
        round=round_,
        taken_at=now,
        taken_by=user,
        table=year_state(round_.fiscal_year),
        xlsx=export_year(round_.fiscal_year, fmt="xlsx").content,  # the files anyone downloads
        pdf=snapshot_pdf(round_.fiscal_year),
    )
    _record(round_, user, "round_closed")
    return snapshot


@transaction.atomic
def reopen_round(*, user, round_: Round) -> Round:
    """Open a closed round again (the staff may change the year's activities again); its
    snapshots stay, and closing again takes a new one."""
    _require_secretariat(user)
    round_ = Round.objects.select_for_update().select_related("fiscal_year").get(pk=round_.pk)
    if round_.is_open:
        raise RoundRefused(f"照会「{round_.title}」は受付中です。")
    if round_.fiscal_year.locked:
        raise RoundRefused(
            f"{round_.fiscal_year.label}の資料は確定しています。確定を解除してから再開してください。"
        )
    newer = round_.fiscal_year.rounds.filter(opened_at__gt=round_.opened_at).first()
    if newer is not None:
        raise RoundRefused(
            f"{round_.fiscal_year.label}には後の照会「{newer.title}」があるため、再開できません。"
        )
    round_.status, round_.closed_at, round_.closed_by = RoundStatus.OPEN, None, None
    round_.save(update_fields=["status", "closed_at", "closed_by"])
    _record(round_, user, "round_reopened")
    return round_
