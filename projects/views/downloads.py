"""Files the views hand out: one attachment response, and one CSV response for every table."""

from collections.abc import Iterable

from django.http import HttpResponse

from projects.table.formats import CONTENT_TYPES, csv_bytes


def attachment(content: bytes, fmt: str, filename: str) -> HttpResponse:
    """``content`` as a download named ``filename``, typed by its format (xlsx, json, csv)."""
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_response(rows: Iterable[list], filename: str) -> HttpResponse:
    """Rows as a CSV download that Excel opens as UTF-8, with formulas neutralised."""
    return attachment(csv_bytes(rows), "csv", filename)
