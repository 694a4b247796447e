"""The calendar of published years: the month page and the iCalendar feeds (the area's and a
town's, of this fiscal year, the next and the current year; one per year for the others; a
project's).

Dates keep the precision they were written with. In iCalendar a day is an all-day event and a
month (「3月頃」) an all-day span over the whole month, so no calendar shows a made-up day; an
open-ended 「11月以降」 is its first day (or month) with a note that it goes on.
"""

from __future__ import annotations

import datetime

import icalendar
from django.utils import timezone
from django.utils.translation import gettext as _

from projects.cache import ALL, CURRENT, project_scope
from projects.models import FiscalYear, Municipality, Project, Status
from projects.reports import calendar as schedule
from projects.reports import overview
from projects.reports import public as data
from projects.table.eras import fiscal_year_label

from .page_cache import cached_response, fiscal_year_of, render_public


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
        if e.open_ended:
            notes.append(_("「以降」: この日から続きます (終わりは書かれていません)。"))
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
            raise data.NotFound(_("市町が見つかりません。"))
        month = schedule.parse_month(params["month"], today)
        view = schedule.month_view(month, municipality=municipality, page=params["page"])
        title = (
            _("予定と実績のカレンダー")
            + " "
            + _("%(year)d年%(month)d月")
            % {
                "year": month.year,
                "month": month.month,
            }
        )
        if municipality:
            title += f" ({municipality.name})"
        return {
            "title": title,
            "today": today,
            "month": view,
            "months": schedule.months_with_events(municipality=municipality),
            "municipality": municipality,
            "municipalities": municipalities,
            "upcoming": schedule.upcoming(today, municipality=municipality),
            "upcoming_days": schedule.UPCOMING_DAYS,
            "query": f"municipality={municipality.slug}&" if municipality else "",
            "as_of": current_as_of(),
        }

    return render_public(
        request,
        "projects/calendar.html",
        build,
        params=("municipality", "month", "page"),
        key=(today,),
        section="calendar",
        scope=ALL,
    )


def current_as_of():
    """The date the current year's statuses stand at (None before any year is published)."""
    years = data.published_years()
    try:
        return overview.data_as_of(data.choose_year(years, ""))
    except data.NotPublished:
        return None


def window(today: datetime.date) -> tuple[int, ...]:
    """The fiscal years the area's and a town's calendar hold: this one and the next, and the
    current year the portal shows (older years have a file each: ``/calendar/<year>.ics``)."""
    this = fiscal_year_of(today)
    current = FiscalYear.objects.published().filter(is_current=True).values_list("year", flat=True)
    return tuple(sorted({this, this + 1, *current}))


def calendar_ics(request, slug=None, pk=None, year=None):
    today = timezone.localdate()

    def build():
        municipality = project = None
        name = _("連携事業の日程")
        years = (year,) if year else None
        if slug:
            municipality = Municipality.objects.filter(slug=slug).first()
            if municipality is None:
                raise data.NotFound(_("市町が見つかりません。"))
            name += f" ({municipality.name})"
        if pk:
            project = Project.objects.published().filter(pk=pk).first()
            if project is None:
                raise data.NotFound(_("この事業は公開されていません。"))
            name = _("%(project)sの日程") % {"project": project}
        elif year:
            if not FiscalYear.objects.published().filter(year=year).exists():
                raise data.NotFound(_("この年度は公開されていません。"))
            name += f" ({fiscal_year_label(year)})"
        else:
            years = window(today)
        events = schedule.events(municipality=municipality, project=project, years=years)
        base_url = request.build_absolute_uri("/").rstrip("/")
        return ical(events, name=name, base_url=base_url), "text/calendar; charset=utf-8"

    if pk:
        scope = project_scope(pk)
    elif year:
        scope = year
    else:
        scope = (CURRENT, fiscal_year_of(today), fiscal_year_of(today) + 1)
    filename = f"renkei-{slug or (f'project-{pk}' if pk else year or 'all')}.ics"
    return cached_response(
        request,
        build,
        key=(request.build_absolute_uri("/"), today if not (pk or year) else ""),
        headers={"Content-Disposition": f'inline; filename="{filename}"'},
        scope=scope,
    )
