"""Years as if imported on an earlier day, for tables as of a date."""

import datetime

from projects.models import Activity, Project

APRIL_2020 = datetime.datetime(2020, 4, 1, 9, tzinfo=datetime.UTC)


def imported_on(fiscal_year, when=APRIL_2020):
    """The year's projects and activities created ``when``, and no history before now (the
    import's own records are dropped): the history then answers from ``when`` on."""
    Activity.objects.for_year(fiscal_year).update(created_at=when)
    Project.objects.filter(fiscal_year=fiscal_year).update(created_at=when)
    fiscal_year.changes.all().delete()
    return fiscal_year
