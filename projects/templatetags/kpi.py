"""The KPIs (成果指標) of a 施策, for the project list filtered by that 施策 (its page): read only
when the list is filtered by one 施策, so the other lists cost nothing more."""

from django import template

from projects.models import Measure
from projects.reports import kpi

register = template.Library()


@register.simple_tag
def measure_kpis(measure_pk):
    """(the 施策, the views of its indicators); (None, []) for an unknown 施策."""
    measure = Measure.objects.select_related("strategy").filter(pk=measure_pk).first()
    if measure is None:
        return None, []
    return measure, kpi.measure_indicators(measure)


@register.simple_tag
def round_kpis(fiscal_year, municipality=None):
    """Each responsible town's indicators in a round and how many have the year's value."""
    from projects.reports.kpi.round import round_kpis as read

    return read(fiscal_year, municipality)
