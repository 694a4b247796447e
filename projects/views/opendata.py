"""Open data: the files of each published year, their JSON Schema, the DCAT-AP catalogue, and
the printable table. Every response is cached under the shared version (``page_cache``)."""

import json

from django.conf import settings
from django.http import HttpResponse
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from projects.cache import ALL
from projects.models import Area, FiscalYear
from projects.reports import overview as summary
from projects.reports import public as data
from projects.reports.export import PdfUnavailable, export_year, year_overview
from projects.table.formats import JSON_FORMAT, OPEN_DATA_FORMATS, filename
from projects.table.html import html_table
from projects.table.licence import LICENSE

from .page_cache import cached_response, render_public

SCHEMA_PATH = settings.BASE_DIR / "opendata" / "schema.json"
FORMAT_NAMES = {"json": "JSON", "csv": "CSV", "xlsx": "XLSX"}
MEDIA_TYPES = {
    "json": "application/json",
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
OPEN = {"Access-Control-Allow-Origin": "*"}


def site_url(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def published_year(year: int) -> FiscalYear:
    found = FiscalYear.objects.published().filter(year=year).first()
    if found is None:
        raise data.NotFound(_("この年度は公開されていません。"))
    return found


def opendata(request):
    def build(params):
        return {
            "title": _("オープンデータ"),
            "years": data.published_years(),
            "formats": ("json", "csv", "xlsx"),
        }

    return render_public(request, "projects/opendata.html", build, section="opendata", scope=ALL)


def opendata_file(request, year, fmt):
    if fmt not in OPEN_DATA_FORMATS:
        raise data.NotFound(_("この形式には対応していません。"))
    base = site_url(request)

    def build():
        file = export_year(published_year(year), fmt=fmt, base_url=base)
        return file.content, file.content_type

    return cached_response(
        request,
        build,
        key=(base,),
        headers={
            "Content-Disposition": f'attachment; filename="renkei-overview-{year}.{fmt}"',
            **OPEN,
        },
        scope=year,  # built once per data version of its year, then served from the cache
    )


def schema(request):
    """The JSON Schema (2020-12) every year's json validates against (``opendata/schema.json``)."""
    url = request.build_absolute_uri()

    def build():
        document = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
        document["$id"] = url
        content = json.dumps(document, ensure_ascii=False, indent=2).encode()
        return content, "application/schema+json; charset=utf-8"

    return cached_response(request, build, key=(url,), headers=OPEN)


def catalog(request):
    """A DCAT-AP catalogue (JSON-LD): one dataset per published year, one distribution per
    format, for a national open-data portal to harvest."""
    base = site_url(request)

    def build():
        with translation.override("ja"):
            document = catalog_document(base, Area.objects.current(), data.published_years())
        content = json.dumps(document, ensure_ascii=False, indent=2).encode()
        return content, "application/ld+json; charset=utf-8"

    return cached_response(request, build, key=(base,), headers=OPEN, scope=ALL)


CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


def ja(text: str) -> dict:
    return {"@value": text, "@language": "ja"}


def catalog_document(base: str, area, years) -> dict:
    publisher = {"@type": "foaf:Agent", "foaf:name": ja(area.council or area.name if area else "")}
    contact = {"@type": "vcard:Organization", "vcard:fn": area.secretariat_name if area else ""}
    if area and area.secretariat_email:
        contact["vcard:hasEmail"] = {"@id": f"mailto:{area.secretariat_email}"}
    return {
        "@context": CONTEXT,
        "@id": base + reverse("projects:opendata_catalog"),
        "@type": "dcat:Catalog",
        "dct:title": ja(_("連携事業ポータル オープンデータ")),
        "dct:description": ja(_("連携事業の概要と実績の状況 (年度ごと)")),
        "dct:publisher": publisher,
        "dct:language": {"@id": "http://publications.europa.eu/resource/authority/language/JPN"},
        "dct:license": {"@id": LICENSE["url"]},
        "foaf:homepage": {"@id": base + reverse("projects:opendata")},
        "dcat:dataset": [dataset(base, fy, publisher, contact) for fy in years],
    }


def dataset(base: str, fy, publisher: dict, contact: dict) -> dict:
    modified = summary.data_as_of(fy).updated
    item = {
        "@id": f"{base}{reverse('projects:opendata')}#{fy.year}",
        "@type": "dcat:Dataset",
        "dct:identifier": f"renkei-overview-{fy.year}",
        "dct:title": ja(fy.title or fy.label),
        "dct:description": ja(
            _("%(year)sの連携事業 (取組・施策・事業) と実績項目の状況") % {"year": fy.label}
        ),
        "dct:publisher": publisher,
        "dcat:contactPoint": contact,
        "dcat:keyword": [ja(_("連携中枢都市圏")), ja(_("連携事業")), ja(fy.label)],
        "dct:temporal": {
            "@type": "dct:PeriodOfTime",
            "dcat:startDate": {"@value": f"{fy.year}-04-01", "@type": "xsd:date"},
            "dcat:endDate": {"@value": f"{fy.year + 1}-03-31", "@type": "xsd:date"},
        },
        "dct:license": {"@id": LICENSE["url"]},
        "dcat:landingPage": {"@id": base + reverse("projects:home") + f"?year={fy.year}"},
        "dcat:distribution": [distribution(base, fy, fmt) for fmt in FORMAT_NAMES],
    }
    if modified is not None:
        item["dct:modified"] = {"@value": modified.isoformat(), "@type": "xsd:dateTime"}
    return item


def distribution(base: str, fy, fmt: str) -> dict:
    url = base + reverse("projects:opendata_file", args=[fy.year, fmt])
    item = {
        "@id": url,
        "@type": "dcat:Distribution",
        "dct:title": ja(f"{fy.label} ({FORMAT_NAMES[fmt]})"),
        "dcat:accessURL": {"@id": url},
        "dcat:downloadURL": {"@id": url},
        "dcat:mediaType": {
            "@id": f"https://www.iana.org/assignments/media-types/{MEDIA_TYPES[fmt]}"
        },
        "dct:format": {
            "@id": f"http://publications.europa.eu/resource/authority/file-type/{fmt.upper()}"
        },
        "dct:license": {"@id": LICENSE["url"]},
    }
    if fmt == "json":
        item["dct:conformsTo"] = {"@id": base + reverse("projects:opendata_schema")}
        item["dct:description"] = ja(JSON_FORMAT)
    return item


def print_table(request, year):
    def build(params):
        fy = published_year(year)
        overview = year_overview(fy)
        return {
            "title": _("%(title)s (印刷用)") % {"title": overview.title or fy.label},
            "fiscal_year": fy,
            "overview": overview,
            "table": html_table(overview),
            "filename": filename(overview, "xlsx"),
            "print": True,
        }

    return render_public(
        request, "projects/print_table.html", build, key=(year,), section="opendata", scope=year
    )


def print_pdf(request, year):
    """The published year's 資料 as the meeting's PDF (cached like the other files)."""

    def build():
        fy = published_year(year)
        file = export_year(fy, fmt="pdf")
        return file.content, file.content_type

    try:
        return cached_response(
            request,
            build,
            headers={"Content-Disposition": f'attachment; filename="renkei-overview-{year}.pdf"'},
            scope=year,
        )
    except PdfUnavailable as exc:
        return HttpResponse(
            _("PDF を作れません: %(reason)s") % {"reason": exc},
            status=503,
            content_type="text/plain; charset=utf-8",
        )
