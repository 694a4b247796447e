"""Template tags of the fiscal-year lifecycle: ``{% project_history project as history %}``,
``{% activity_years project as pairs %}``."""

from django import template

from projects.reports.years import continued_activities
from projects.reports.years import project_history as history_of

register = template.Library()


@register.simple_tag
def project_history(project):
    """The project in every published year it is linked through, oldest first."""
    return history_of(project)


@register.simple_tag
def activity_years(project):
    """(previous, current) pairs of the project's activities followed from a published year."""
    return continued_activities(project)
