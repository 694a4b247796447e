"""The calendar of published years: one month at a time, the next 30 days, and the feeds.

Dates keep the precision they were written with: a month (「3月頃」) is a month, never a made-up
day; 「11月以降」 is open-ended (from its start, no end); a long range (7/3~3/26) is shown by its
start and its end, not as a banner over every day in between. Each read selects in the database
the events of the period it shows, so a month costs the same whatever the year's size.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.db.models.functions import TruncMonth

from projects.models import Event, Precision, ProjectRow

from .public import event_label, event_last_day, status_labels

UPCOMING_DAYS = 30
MONTH_PAGE = 20  # dates on one page of a month (a busy month has more pages)
LONG_RANGE_DAYS = 31  # a range longer than a month is shown by its start and end


def event_query(*, municipality=None, project=None, during=None, years=None):
    """Events of the published years (with their activity, project and year) in date order,
    optionally of a town's rows or of one project, of the fiscal ``years`` whose data holds
    them, and of those touching ``during`` = (first, last) day: exactly, in the database (a
    month written alone is stored as its 1st and runs to its end; 「以降」 runs to the end of
    its fiscal year)."""
    found = Event.objects.published().with_hierarchy()
    if years is not None:
        found = found.filter(activity__row__project__fiscal_year__year__in=years)
    if municipality is not None:
        found = found.filter(activity__row__in=ProjectRow.objects.concerning(municipality))
    if project is not None:
        found = found.filter(activity__row__project=project)
    if during is not None:
        first, last = during
        month = first.replace(day=1)
        ends = Q(end_date__gte=first) | Q(end_precision=Precision.MONTH, end_date__gte=month)
        single = Q(start_date__gte=first) | Q(
            start_precision=Precision.MONTH, start_date__gte=month
        )
        # 「11月以降」 in a year's document goes on to the end of that fiscal year at most
        open_ended = Q(
            source__contains="以降",
            activity__row__project__fiscal_year__year__gte=first.year - (first.month <= 3),
        )
        found = found.filter(start_date__lte=last).filter(
            Q(end_date__isnull=False) & ends | Q(end_date__isnull=True) & (single | open_ended)
        )
    return found.order_by("start_date", "activity__row__project__order", "activity__order")


def described(events) -> list:
    """The events with their label, last day, length and their activity's status words."""
    events, labels = list(events), {}
    for e in events:
        fy = e.activity.row.project.fiscal_year
        if fy.pk not in labels:
            labels[fy.pk] = status_labels(fy)
        e.activity.status_label = labels[fy.pk].get(e.activity.status or "", "")
        e.label = event_label(e)
        e.last_day = event_last_day(e)
        e.long = (e.last_day - e.start_date).days >= LONG_RANGE_DAYS
    return events


def events(**kwargs) -> list:
    return described(event_query(**kwargs))


def month_bounds(month: datetime.date) -> tuple[datetime.date, datetime.date]:
    first = month.replace(day=1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    return first, following - datetime.timedelta(days=1)


def parse_month(value: str, default: datetime.date) -> datetime.date:
    """「2020-11」 → 2020-11-01; anything else (or a year outside 1900–2100) → the default's month."""
    try:
        year, month = (int(part) for part in value.split("-"))
        if 1900 <= year <= 2100 and value.isascii():
            return datetime.date(year, month, 1)
    except ValueError:
        pass
    return default.replace(day=1)


@dataclass
class Day:
    date: datetime.date
    items: list = field(default_factory=list)  # (event, "start" | "end" | "") pairs


@dataclass
class Month:
    first: datetime.date
    last: datetime.date
    days: list[Day]
    whole_month: list  # (event, role) written only to this month ("some time in the month")
    ongoing: list  # long ranges and open-ended events that run through the month
    previous: datetime.date
    next: datetime.date
    page: object = None  # the Paginator page of the month's dates

    @property
    def count(self) -> int:
        """The month's dates, on every page."""
        return self.page.paginator.count


def month_view(month: datetime.date, *, municipality=None, page="") -> Month:
    """A month: days with what starts or ends on them, the dates written only to the month
    (with what starts or ends in it), and the long or open-ended events running through it
    (one query)."""
    first, last = month_bounds(month)
    days: dict[datetime.date, Day] = {}
    whole, ongoing = [], []

    def on(day, event, role, precision):
        if precision == "month":
            whole.append((event, role))
        else:
            days.setdefault(day, Day(day)).items.append((event, role))

    shown = Paginator(event_query(municipality=municipality, during=(first, last)), MONTH_PAGE)
    shown = shown.get_page(page)
    for e in described(shown.object_list):
        if not (e.long or e.open_ended):
            on(max(e.start_date, first), e, "", e.start_precision)
            continue
        starts = first <= e.start_date <= last
        ends = bool(e.end_date) and first <= e.last_day <= last
        if starts:
            on(e.start_date, e, "open" if e.open_ended else "start", e.start_precision)
        if ends:
            on(e.last_day, e, "end", e.end_precision)
        if not starts and not ends:
            ongoing.append(e)
    previous = (first - datetime.timedelta(days=1)).replace(day=1)
    return Month(
        first,
        last,
        sorted(days.values(), key=lambda d: d.date),
        whole,
        ongoing,
        previous,
        last + datetime.timedelta(days=1),
        shown,
    )


def months_with_events(*, municipality=None) -> list[tuple[datetime.date, int]]:
    """(month, number of events starting in it) for every month that has any (one query)."""
    found = Event.objects.published()
    if municipality is not None:
        found = found.filter(activity__row__in=ProjectRow.objects.concerning(municipality))
    rows = (
        found.annotate(month=TruncMonth("start_date"))
        .values_list("month")
        .annotate(n=Count("id"))
        .order_by("month")
    )
    return [(m if isinstance(m, datetime.date) else m.date(), n) for m, n in rows]


def upcoming(
    today: datetime.date, *, municipality=None, project=None, days=UPCOMING_DAYS, limit=12
):
    """What happens in the next ``days`` days, the first ``limit`` of it: what starts in them,
    the long ranges that end in them, and what is written for the current month only (one
    query, of a bounded number of rows)."""
    horizon = today + datetime.timedelta(days=days)
    query = event_query(municipality=municipality, project=project, during=(today, horizon))
    return [
        e
        for e in described(query[: limit * 4])
        if today <= e.start_date <= horizon
        or (e.long and not e.open_ended and today <= e.last_day <= horizon)
        or (not e.long and e.start_precision == "month" and e.start_date <= today <= e.last_day)
    ][:limit]
