"""Public pages: published fiscal years only."""

from django.http import Http404
from django.shortcuts import get_object_or_404, render

from .models import Activity, FiscalYear, Municipality, Project


def published_year(request):
    years = FiscalYear.objects.published()
    year = request.GET.get("year")
    if year:
        if not year.isdigit():
            raise Http404("年度が見つかりません。")
        return get_object_or_404(years, year=int(year))
    current = years.current()
    if current is None:
        raise Http404("公開中の年度はまだありません。")
    return current


def home(request):
    fy = published_year(request)
    totals = Activity.objects.for_year(fy).status_totals()
    return render(request, "projects/home.html", {"fiscal_year": fy, "totals": totals})


def project_list(request):
    fy = published_year(request)
    projects = Project.objects.filter(fiscal_year=fy).with_hierarchy().with_activities()
    return render(request, "projects/project_list.html", {"fiscal_year": fy, "projects": projects})


def project_detail(request, pk):
    project = get_object_or_404(
        Project.objects.published().with_hierarchy().with_activities(), pk=pk
    )
    return render(request, "projects/project_detail.html", {"project": project})


def municipality_detail(request, code):
    municipality = get_object_or_404(Municipality, code=code)
    fy = published_year(request)
    projects = Project.objects.filter(fiscal_year=fy, municipalities=municipality).with_hierarchy()
    return render(
        request,
        "projects/municipality_detail.html",
        {"fiscal_year": fy, "municipality": municipality, "projects": projects},
    )
