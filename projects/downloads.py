"""Files as downloads, for the pages and the admin alike: one attachment response, one CSV
response for every table, and the year's 資料 from the one export (``reports.export``)."""

from collections.abc import Iterable

from django.http import HttpResponse

from projects.reports.export import ExportFile, PdfUnavailable, export_year
from projects.table.formats import CONTENT_TYPES, csv_bytes

NO_PDF = "PDF を作れません: "


def attachment(content: bytes, fmt: str, filename: str) -> HttpResponse:
    """``content`` as a download named ``filename``, typed by its format (xlsx, json, csv)."""
    return file_response(ExportFile(content, filename, CONTENT_TYPES[fmt]))


def file_response(file: ExportFile) -> HttpResponse:
    response = HttpResponse(file.content, content_type=file.content_type)
    response["Content-Disposition"] = f'attachment; filename="{file.filename}"'
    return response


def csv_response(rows: Iterable[list], filename: str) -> HttpResponse:
    """Rows as a CSV download that Excel opens as UTF-8, with formulas neutralised."""
    return attachment(csv_bytes(rows), "csv", filename)


def overview_download(fiscal_year, **options) -> HttpResponse:
    """The year's 資料 as a download (``export_year``'s options); a PDF that this server cannot
    make is a 503 that says what is missing. ``AsOfRefused`` goes to the caller."""
    try:
        return file_response(export_year(fiscal_year, **options))
    except PdfUnavailable as exc:
        return HttpResponse(
            (NO_PDF + str(exc)).encode(), status=503, content_type="text/plain; charset=utf-8"
        )
