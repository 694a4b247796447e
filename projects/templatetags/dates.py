"""One date style on every page: the era calendar with the Western date where there is room,
「令和8年12月18日 (2026-12-18)」 (``wareki``), and the era calendar alone where there is not
(``wareki_short``). Date-times keep their time: 「令和8年12月18日 (2026-12-18) 17:00」."""

import datetime

from django import template
from django.utils import timezone

from projects.table.eras import wareki as era_date
from projects.table.eras import wareki_long

register = template.Library()


def as_date(value):
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.date(), value.strftime("%H:%M")
    if isinstance(value, datetime.date):
        return value, ""
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value), ""
        except ValueError:
            return None, ""
    return None, ""


def long_date(value, *, time: bool = True) -> str:
    day, clock = as_date(value)
    if day is None:
        return "" if value in (None, "") else str(value)
    text = wareki_long(day)
    return f"{text} {clock}" if clock and time else text


@register.filter
def wareki(value) -> str:
    """令和8年12月18日 (2026-12-18), with the time for a date-time."""
    return long_date(value)


@register.filter
def wareki_day(value) -> str:
    """令和8年12月18日 (2026-12-18), without the time even for a date-time."""
    return long_date(value, time=False)


@register.filter
def wareki_short(value) -> str:
    """令和8年12月18日, for narrow places (a table column, a phone's line)."""
    day, clock = as_date(value)
    if day is None:
        return "" if value in (None, "") else str(value)
    return f"{era_date(day)} {clock}".strip()
