"""The calendar of published years: the page and its iCalendar feeds.

Dates keep the precision they were written with. In iCalendar a day is an all-day event and a
month (「3月頃」) an all-day span over the whole month, so no calendar shows a made-up day.
"""

from __future__ import annotations

import datetime

import icalendar
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from projects.models import Municipality, Status
from projects.reports import public as data

from .page_cache import cached_response, render_public


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


def calendar(request):
    today = timezone.localdate()

    def build(params):
        municipalities = data.municipality_list()
        slug = params["municipality"]
        municipality = next((m for m in municipalities if m.slug == slug), None)
        if slug and municipality is None:
            raise Http404(_("市町が見つかりません。"))
        upcoming, past = split(data.published_events(municipality), today)
        title = _("予定と実績のカレンダー")
        if municipality:
            title += f" ({municipality.name})"
        return {
            "title": title,
            "today": today,
            "municipality": municipality,
            "municipalities": municipalities,
            "upcoming": upcoming,
            "past": past,
        }

    return render_public(
        request, "projects/calendar.html", build, params=("municipality",), key=(today,)
    )


def calendar_ics(request, slug=None):
    def build():
        municipality = get_object_or_404(Municipality, slug=slug) if slug else None
        name = _("連携事業の日程")
        if municipality:
            name += f" ({municipality.name})"
        events = data.published_events(municipality)
        base_url = request.build_absolute_uri("/").rstrip("/")
        content = ical(events, name=name, base_url=base_url)
        return content, "text/calendar; charset=utf-8"

    filename = f"renkei-{slug or 'all'}.ics"
    return cached_response(
        request,
        build,
        key=(request.build_absolute_uri("/"),),
        headers={"Content-Disposition": f'inline; filename="{filename}"'},
    )
