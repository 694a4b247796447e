"""Dated events of published years: the calendar page and its iCalendar feeds.

Dates keep the precision they were written with. In iCalendar a day is an all-day event and a
month (「3月頃」) an all-day span over the whole month, so no calendar shows a made-up day.
"""

from __future__ import annotations

import datetime

import icalendar
from django.utils import timezone
from django.utils.translation import gettext as _

from . import public_data as data
from .models import Event, Status


def published_events(municipality=None) -> list[Event]:
    """Every event of the published years with its activity, project and year (one query)."""
    events = Event.objects.published().with_hierarchy()
    if municipality is not None:
        events = events.filter(activity__row__project__municipalities=municipality)
    events = list(events.order_by("start_date", "activity__row__project__order", "activity__order"))
    labels = {}
    for e in events:
        fy = e.activity.row.project.fiscal_year
        if fy.pk not in labels:
            labels[fy.pk] = data.status_labels(fy)
        e.activity.status_label = labels[fy.pk].get(e.activity.status or "", "")
        e.label = data.event_label(e)
        e.last_day = data.event_last_day(e)
    return events


def split(events, today: datetime.date):
    """(upcoming in date order, past with the most recent first)."""
    upcoming = [e for e in events if e.last_day >= today]
    past = [e for e in events if e.last_day < today]
    past.sort(key=lambda e: e.last_day, reverse=True)
    return upcoming, past


def exclusive_end(event) -> datetime.date:
    """DTEND of an all-day event: the day after its last day (a month runs to its end)."""
    return data.event_last_day(event) + datetime.timedelta(days=1)


def summary(event) -> str:
    activity = event.activity
    status = f"{Status(activity.status).glyph} {activity.status_label} " if activity.status else ""
    return f"{status}{activity.text}"


def ical(events, *, name: str, base_url: str) -> bytes:
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Renkei Portal//renkei-portal//JA")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Asia/Tokyo")
    stamp = timezone.now()
    for e in events:
        project = e.activity.row.project
        item = icalendar.Event()
        item.add("uid", f"activity-{e.activity_id}-{e.order}@renkei-portal")
        item.add("dtstamp", stamp)
        item.add("summary", summary(e))
        item.add("dtstart", e.start_date)
        item.add("dtend", exclusive_end(e))
        notes = [str(project), _("元の表記: %(source)s") % {"source": e.source}]
        if e.start_precision == "month":
            notes.append(_("日付は月までしか書かれていません。"))
        item.add("description", "\n".join(notes))
        item.add("url", base_url + project.get_absolute_url())
        item.add("transp", "TRANSPARENT")
        cal.add_component(item)
    return cal.to_ical()
