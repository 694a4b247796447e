"""A reporting round on R2, as the secretariat opens it."""

import datetime

from django.utils import timezone

from projects.services import rounds


def open_r2_round(r2, secretariat, *, days=14, **kwargs):
    """「令和2年度実績見込み照会」 to every member, due ``days`` from today."""
    return rounds.open_round(
        user=secretariat,
        fiscal_year=r2,
        title="令和2年度実績見込み照会",
        deadline=timezone.localdate() + datetime.timedelta(days=days),
        message="2月の推進協議会の資料とします。",
        **kwargs,
    )
