"""Files the views hand out: one attachment response, one CSV response for every table, and
the 資料 in each of its formats (xlsx, json, csv, and the PDF for the meeting)."""

from collections.abc import Iterable

from django.http import HttpResponse

from projects.reports.handout import PdfUnavailable, overview_pdf
from projects.table import formats
from projects.table.formats import CONTENT_TYPES, csv_bytes

NO_PDF = "PDF を作れません: "


def attachment(content: bytes, fmt: str, filename: str) -> HttpResponse:
    """``content`` as a download named ``filename``, typed by its format (xlsx, json, csv)."""
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_response(rows: Iterable[list], filename: str) -> HttpResponse:
    """Rows as a CSV download that Excel opens as UTF-8, with formulas neutralised."""
    return attachment(csv_bytes(rows), "csv", filename)


def overview_file(overview, fmt: str, suffix: str = "") -> HttpResponse:
    """The 資料 as a download in ``fmt`` (xlsx, json, csv or pdf); a PDF that this server cannot
    make is a 503 that says what is missing."""
    name = formats.filename(overview, fmt, suffix)
    if fmt != "pdf":
        return attachment(formats.render(overview, fmt), fmt, name)
    try:
        return attachment(overview_pdf(overview), "pdf", name)
    except PdfUnavailable as exc:
        return HttpResponse(
            (NO_PDF + str(exc)).encode(), status=503, content_type="text/plain; charset=utf-8"
        )
