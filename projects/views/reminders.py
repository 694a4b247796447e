"""The secretariat's reminder (督促) of a round: a confirmation page that names the towns it
goes to and those left out because they had one today, then the mail (``services.mail``)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from projects.services import mail

from .rounds import confirm_page, confirmed, round_or_404, secretariat_or_403
from .staff import staff_only


@staff_only
def remind(request, pk):
    """The reminder, from its confirmation page that names the towns it goes to; a town that
    had one today is left out unless the secretariat asks again explicitly (``again``)."""
    round_ = round_or_404(pk)
    if refused := secretariat_or_403(request):
        return refused
    again = request.POST.get("again") == "yes"
    if confirmed(request):
        sent = mail.send_reminder(user=request.user, round_=round_, again=again)
        if sent.sent or sent.no_address or sent.failed:
            messages.success(request, "督促: " + sent.message())
        else:
            messages.info(request, "督促のメールを送る市町はありませんでした。")
        return redirect(round_)
    towns, reminded = mail.reminder_towns(round_)
    sent_at = mail.reminded_today(round_)
    lines = [
        f"回答を提出していない次の {len(towns)} 市町に、督促のメールを送ります: "
        + ("、".join(t.municipality.name for t in towns) or "なし")
        + "。"
    ]
    if reminded:
        lines.append(
            "今日すでに督促した市町には送りません: "
            + "、".join(
                f"{t.municipality.name} ({timezone.localtime(sent_at[t.municipality.pk]):%H:%M})"
                for t in reminded
            )
            + "。もう一度送るときは、下の「今日督促した市町にも送る」を選んでください。"
        )
    lines.append(f"メールの回答のページへのリンクは {mail.round_url(round_)} です。")
    return confirm_page(
        request,
        round_,
        title="督促のメール",
        lines=lines,
        button="督促のメールを送る",
        action=reverse("projects:round_remind", args=[round_.pk]),
        again=[t.municipality.name for t in reminded],
    )
