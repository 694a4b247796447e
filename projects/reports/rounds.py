"""Where a reporting round stands: per town, the activities asked, those answered (changed by
the town's staff since the round opened, or confirmed 「変更なし」), and those still open.

An activity is asked of a town when its row concerns the town (``ProjectRow.concerning``). A
change counts as the town's answer when one of the town's staff made it (any path: staff page,
admin, upload) between the opening and the close. The whole round is read in a fixed number of
queries, whatever the number of towns and activities.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils import timezone

from projects import permissions
from projects.models import Activity, AnswerWay, Change, Round, RoundAnswer, RoundTown
from projects.table.eras import wareki_long

STATE_LABELS = {"submitted": "回答済み", "answering": "回答中", "none": "未回答"}


def deadline_label(day: datetime.date) -> str:
    """「令和3年2月10日 (2021-02-10)」: the one date style of the round's pages and mail."""
    return wareki_long(day)


def days_left(round_: Round, today: datetime.date | None = None) -> int:
    return (round_.deadline - (today or timezone.localdate())).days


@dataclass
class TownProgress:
    town: RoundTown
    asked: set[int] = field(default_factory=set)
    changed: dict[int, list[Change]] = field(default_factory=dict)
    unchanged: dict[int, RoundAnswer] = field(default_factory=dict)

    @property
    def municipality(self):
        return self.town.municipality

    @property
    def answered(self) -> set[int]:
        return self.asked & (set(self.changed) | set(self.unchanged))

    @property
    def open(self) -> set[int]:
        return self.asked - self.answered

    @property
    def state(self) -> str:
        if self.town.submitted_at is not None:
            return "submitted"
        return "answering" if self.answered else "none"

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def percent(self) -> int:
        return round(100 * len(self.answered) / len(self.asked)) if self.asked else 100

    def figures(self) -> str:
        """「70 項目中 70 項目に回答 (変更 1、変更なし 69)」."""
        changed = len(self.asked & set(self.changed))
        return (
            f"{len(self.asked)} 項目中 {len(self.answered)} 項目に回答"
            f" (変更 {changed}、変更なし {len(self.answered) - changed})"
        )

    def unchanged_by_way(self) -> list[tuple[str, int]]:
        counts = defaultdict(int)
        for answer in self.unchanged.values():
            counts[answer.way] += 1
        return [(AnswerWay(w).label, counts[w]) for w in AnswerWay.values if counts[w]]


@dataclass
class RoundProgress:
    round: Round
    towns: list[TownProgress]

    @property
    def submitted(self) -> list[TownProgress]:
        return [t for t in self.towns if t.state == "submitted"]

    @property
    def still_open(self) -> list[TownProgress]:
        return [t for t in self.towns if t.state != "submitted"]

    def town(self, municipality) -> TownProgress | None:
        return next((t for t in self.towns if t.municipality.pk == municipality.pk), None)

    def summary(self) -> str:
        """「回答済み 2 / 7 市町」."""
        return f"回答済み {len(self.submitted)} / {len(self.towns)} 市町"


def asked_activities(round_: Round) -> dict[int, set[int]]:
    """{municipality id: ids of the round's year's activities whose rows concern it}."""
    activities = Activity.objects.for_year(round_.fiscal_year_id)
    asked: dict[int, set[int]] = defaultdict(set)
    for path, rows in (
        ("row__municipalities", activities.exclude(row__municipalities_text="")),
        ("row__project__municipalities", activities.filter(row__municipalities_text="")),
    ):
        for municipality_id, activity_id in rows.filter(**{f"{path}__isnull": False}).values_list(
            path, "id"
        ):
            asked[municipality_id].add(activity_id)
    return asked


def changes_in(round_: Round):
    """The activity changes recorded while the round was open."""
    changes = Change.objects.filter(
        fiscal_year=round_.fiscal_year_id, changed_at__gte=round_.opened_at
    )
    if round_.closed_at is not None and not round_.is_open:
        changes = changes.filter(changed_at__lte=round_.closed_at)
    return changes


def progress(round_: Round, *, municipality=None) -> RoundProgress:
    """Every town's progress (or one town's), in five queries."""
    towns = round_.towns.select_related("municipality", "submitted_by")
    if municipality is not None:
        towns = towns.filter(municipality=municipality)
    result = RoundProgress(round_, [TownProgress(t) for t in towns])
    by_id = {t.municipality.pk: t for t in result.towns}
    asked = asked_activities(round_)
    for municipality_id, town in by_id.items():
        town.asked = asked.get(municipality_id, set())
    changes = (
        changes_in(round_)
        .filter(activity__isnull=False, user__staff_profile__municipality__in=list(by_id))
        .select_related("user__staff_profile")
        .order_by("changed_at", "id")
    )
    for change in changes:
        town = by_id.get(change.user.staff_profile.municipality_id)
        if town is not None and change.activity_id in town.asked:
            town.changed.setdefault(change.activity_id, []).append(change)
    for answer in round_.answers.filter(municipality__in=list(by_id)).select_related("user"):
        by_id[answer.municipality_id].unchanged[answer.activity_id] = answer
    return result


def open_rounds_for(user) -> list[RoundProgress]:
    """The open rounds the staff page shows: those asking the user's town, with the town's
    progress only; every open round with every town's for the secretariat."""
    rounds = Round.objects.open().select_related("fiscal_year").order_by("deadline")
    if permissions.is_secretariat(user):
        return [progress(r) for r in rounds]
    municipality = permissions.municipality_of(user)
    if municipality is None:
        return []
    return [progress(r, municipality=municipality) for r in rounds.asking(municipality)]


def previous_round(round_: Round) -> Round | None:
    """The round of the same year before this one (the one to compare its snapshot with)."""
    return (
        Round.objects.filter(fiscal_year=round_.fiscal_year_id, opened_at__lt=round_.opened_at)
        .order_by("-opened_at", "-id")
        .first()
    )
