"""The mail of a reporting round, to the staff of the towns concerned (users whose
``StaffProfile.municipality`` is one of the round's towns, with an address): the opening, the
secretariat's reminders, three days before the deadline, and the deadline passing.

Every mail sent is logged in ``RoundMail`` (one row per round, kind, reminder number and town,
unique), written in the same transaction as the sending: a mail is sent at most once whoever
asks and however often (``send_due`` is what ``manage.py send_round_mail`` runs from cron), and
a mail that could not be sent is not logged, so the next run tries again.
"""

from __future__ import annotations

import datetime
import logging
import smtplib
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from projects import permissions
from projects.models import Area, MailKind, Round, RoundMail
from projects.reports.rounds import deadline_label, progress

from .rounds import SECRETARIAT_ONLY, RoundRefused

logger = logging.getLogger(__name__)

DUE_SOON_DAYS = 3
SUBJECTS = {
    MailKind.OPENED: "【照会】{title} (締切 {deadline})",
    MailKind.REMINDER: "【督促】{title} (締切 {deadline})",
    MailKind.DUE_SOON: "【締切が近づいています】{title} (締切 {deadline})",
    MailKind.OVERDUE: "【締切を過ぎました】{title} (締切 {deadline})",
}


@dataclass
class Sent:
    """What a sending did: mails sent, towns without an address, failures (retried later)."""

    sent: list[RoundMail] = field(default_factory=list)
    no_address: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def extend(self, other: Sent) -> None:
        self.sent += other.sent
        self.no_address += other.no_address
        self.failed += other.failed

    def message(self) -> str:
        parts = [f"メールを {len(self.sent)} 通送りました。"]
        if self.no_address:
            parts.append(
                "メールアドレスのある担当者がいない市町: " + "、".join(self.no_address) + "。"
            )
        if self.failed:
            parts.append(
                "送れなかった市町 (次の send_round_mail で送り直します): "
                + "、".join(self.failed)
                + "。"
            )
        return "".join(parts)


def recipients(municipality) -> list[str]:
    return list(
        get_user_model()
        .objects.filter(is_active=True, staff_profile__municipality=municipality, email__gt="")
        .order_by("username")
        .values_list("email", flat=True)
    )


def round_url(round_: Round) -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + reverse("projects:round", args=[round_.pk])


def build(round_: Round, kind: str, town, today: datetime.date) -> EmailMessage:
    area = Area.objects.current()
    context = {
        "round": round_,
        "kind": kind,
        "town": town,
        "municipality": town.municipality,
        "deadline": deadline_label(round_.deadline),
        "days_left": (round_.deadline - today).days,
        "url": round_url(round_),
        "area": area,
    }
    subject = SUBJECTS[kind].format(title=round_.title, deadline=context["deadline"])
    body = render_to_string(f"mail/round_{kind}.txt", context).strip() + "\n"
    reply_to = [area.secretariat_email] if area and area.secretariat_email else None
    return EmailMessage(subject, body, to=recipients(town.municipality), reply_to=reply_to)


def send(round_: Round, kind: str, towns, *, sequence: int = 0, today=None) -> Sent:
    """Send one kind of mail to each of ``towns`` (TownProgress) that has not had it yet."""
    today = today or timezone.localdate()
    result = Sent()
    done = set(
        RoundMail.objects.filter(round=round_, kind=kind, sequence=sequence).values_list(
            "municipality_id", flat=True
        )
    )
    for town in towns:
        municipality = town.municipality
        if municipality.pk in done:
            continue
        message = build(round_, kind, town, today)
        if not message.to:
            result.no_address.append(municipality.name)
            continue
        try:
            with transaction.atomic():
                log = RoundMail.objects.create(
                    round=round_,
                    kind=kind,
                    sequence=sequence,
                    municipality=municipality,
                    recipients=", ".join(message.to),
                    subject=message.subject,
                )
                message.send()
        except IntegrityError:
            continue  # sent meanwhile by another run
        except (smtplib.SMTPException, OSError) as exc:
            logger.warning("round mail to %s not sent: %r", municipality.slug, exc)
            result.failed.append(municipality.name)
            continue
        result.sent.append(log)
    return result


def due(round_: Round, today: datetime.date) -> list[str]:
    """The kinds of mail a round is due to send today (each town gets each kind once)."""
    if not round_.is_open:
        return []
    kinds = [MailKind.OPENED]
    opened = timezone.localdate(round_.opened_at)
    soon = round_.deadline - datetime.timedelta(days=DUE_SOON_DAYS)
    # A round opened that close to its deadline says so in its opening mail already.
    if soon <= today <= round_.deadline and opened < soon:
        kinds.append(MailKind.DUE_SOON)
    if today > round_.deadline:
        kinds.append(MailKind.OVERDUE)
    return kinds


def send_due(*, today: datetime.date | None = None, rounds=None) -> Sent:
    """Everything due for the open rounds (or the rounds given): the opening to every town,
    the deadline mail to the towns that have not handed in their answer."""
    today = today or timezone.localdate()
    rounds = Round.objects.open().select_related("fiscal_year") if rounds is None else rounds
    result = Sent()
    for round_ in rounds:
        state = progress(round_)
        for kind in due(round_, today):
            towns = state.towns if kind == MailKind.OPENED else state.still_open
            result.extend(send(round_, kind, towns, today=today))
    return result


def reminded_today(
    round_: Round, today: datetime.date | None = None
) -> dict[int, datetime.datetime]:
    """The towns (municipality pk) that had a reminder of this round today, with its time."""
    today = today or timezone.localdate()
    sent = {}
    for municipality_id, at in round_.mails.filter(kind=MailKind.REMINDER).values_list(
        "municipality_id", "sent_at"
    ):
        if timezone.localdate(at) == today:
            sent[municipality_id] = max(at, sent.get(municipality_id, at))
    return sent


def reminder_towns(round_: Round, *, again: bool = False, today=None) -> tuple[list, list]:
    """(the towns a reminder would go to now, those left out because they had one today):
    the towns that have not handed in their answer; a town reminded today only with
    ``again`` (the secretariat asked once more, explicitly)."""
    waiting = progress(round_).still_open
    if again:
        return waiting, []
    today_sent = reminded_today(round_, today)
    return (
        [t for t in waiting if t.municipality.pk not in today_sent],
        [t for t in waiting if t.municipality.pk in today_sent],
    )


def send_reminder(*, user, round_: Round, again: bool = False, today=None) -> Sent:
    """The secretariat's reminder, now, to the towns that have not handed in their answer and
    had no reminder today (with ``again``: to those too)."""
    if not permissions.is_secretariat(user):
        raise RoundRefused(SECRETARIAT_ONLY)
    if not round_.is_open:
        return Sent()
    towns, _ = reminder_towns(round_, again=again, today=today)
    if not towns:
        return Sent()
    last = round_.mails.filter(kind=MailKind.REMINDER).aggregate(n=Max("sequence"))["n"] or 0
    return send(round_, MailKind.REMINDER, towns, sequence=last + 1, today=today)
