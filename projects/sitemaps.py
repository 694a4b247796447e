"""sitemap.xml: the public pages of published years (four queries)."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import FiscalYear, Municipality, Project, SitePage


class StaticPagesSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return [
            "projects:home",
            "projects:project_list",
            "projects:municipality_list",
            "projects:calendar",
            "projects:opendata",
        ]

    def location(self, item):
        return reverse(item)


class YearSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return list(FiscalYear.objects.published().order_by("-year"))

    def location(self, item):
        return reverse("projects:print_table", args=[item.year])

    def lastmod(self, item):
        return item.updated_at


class ProjectSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return list(Project.objects.published().listed().order_by("fiscal_year__year", "order"))

    def lastmod(self, item):
        return item.updated_at


class MunicipalitySitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return list(Municipality.objects.all())


class SitePageSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return list(SitePage.objects.all())

    def lastmod(self, item):
        return item.updated_at


SITEMAPS = {
    "pages": StaticPagesSitemap,
    "years": YearSitemap,
    "projects": ProjectSitemap,
    "municipalities": MunicipalitySitemap,
    "about": SitePageSitemap,
}
