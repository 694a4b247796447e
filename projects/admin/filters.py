"""Changelist filters of the admin: strategy and measure across years, and tags."""

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.db.models import Q

from projects.models import Activity, Measure, Project, Strategy
from projects.table import notation

# The path from each filtered model to the project it belongs to.
PROJECT_PATH = {Activity: "row__project__", Project: ""}


def project_path(model) -> str:
    return PROJECT_PATH.get(model, "")


def chosen_id(value: str) -> int:
    """The id in a filter's query parameter; anything else is an incorrect lookup (the admin
    then shows the unfiltered list with a note), not a server error."""
    if not (value.isascii() and value.isdigit() and len(value) <= 18):
        raise IncorrectLookupParameters(value)
    return int(value)


class StrategyFilter(admin.SimpleListFilter):
    title = "取組"
    parameter_name = "strategy"

    def lookups(self, request, model_admin):
        strategies = Strategy.objects.select_related("fiscal_year").order_by(
            "-fiscal_year__year", "number"
        )
        return [(s.pk, f"{s.fiscal_year.label} {s.number} {s.title}") for s in strategies]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        strategy = chosen_id(self.value())
        if queryset.model is Measure:
            return queryset.filter(strategy=strategy)
        return queryset.filter(**{f"{project_path(queryset.model)}measure__strategy": strategy})


class MeasureFilter(admin.SimpleListFilter):
    title = "施策"
    parameter_name = "measure"

    def lookups(self, request, model_admin):
        measures = Measure.objects.select_related("strategy__fiscal_year").order_by(
            "-strategy__fiscal_year__year", "order"
        )
        return [
            (m.pk, f"{m.strategy.fiscal_year.label} {m.strategy.number}-{m.heading}")
            for m in measures
        ]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        return queryset.filter(
            **{f"{project_path(queryset.model)}measure": chosen_id(self.value())}
        )


class TagFilter(admin.SimpleListFilter):
    """Tags are stored as a comma list ("新規,再掲"): match whole items only."""

    title = "タグ"
    parameter_name = "tag"

    def lookups(self, request, model_admin):
        return [(tag, f"【{tag}】") for tag in notation.TAGS]

    def queryset(self, request, queryset):
        tag = self.value()
        if tag not in notation.TAGS:
            return queryset
        return queryset.filter(
            Q(tags=tag)
            | Q(tags__startswith=f"{tag},")
            | Q(tags__endswith=f",{tag}")
            | Q(tags__contains=f",{tag},")
        )
