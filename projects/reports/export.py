"""The one export: every file of a year's 資料 — the download buttons, ``export_overview``, the
open data, the print page's PDF, the snapshot a closed round keeps, the admin's — is written
here, from the same ``Overview``, in the edition's layout stored with the year
(``FiscalYear.layout``).

``export_year`` returns the file's bytes, name and content type; the callers only hand them
out (a response, a file on disk, a snapshot row). The writers are ``table.formats`` (xlsx,
json, csv, with the one CSV writer ``csv_bytes``) and ``reports.handout`` (the PDF).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from projects.models import FiscalYear, Municipality
from projects.table import formats
from projects.table.model import Overview

from .handout import PdfUnavailable, overview_pdf
from .tables import AsOfRefused, overview_as_of, overview_from_db

FORMATS = tuple(formats.CONTENT_TYPES)  # xlsx, json, csv, pdf

__all__ = ["FORMATS", "AsOfRefused", "ExportFile", "PdfUnavailable", "export_year", "year_overview"]


@dataclass(frozen=True)
class ExportFile:
    content: bytes
    filename: str
    content_type: str


def year_overview(
    fiscal_year: FiscalYear,
    *,
    as_of: datetime.date | None = None,
    municipality: Municipality | None = None,
    projects=None,
) -> Overview:
    """The table every format is written from: the whole year, or ``projects`` (a queryset) or
    the projects that concern ``municipality``, or the whole year as it stood at the end of
    ``as_of`` (raises ``AsOfRefused`` before the history starts or for a future day)."""
    if as_of is not None:
        if projects is not None or municipality is not None:
            raise ValueError("the table as of a day is the whole year's")
        return overview_as_of(fiscal_year, as_of)
    if projects is None and municipality is not None:
        projects = fiscal_year.projects.for_municipality(municipality)
    return overview_from_db(fiscal_year, projects=projects)


def export_year(
    fiscal_year: FiscalYear,
    *,
    fmt: str = "xlsx",
    as_of: datetime.date | None = None,
    municipality: Municipality | None = None,
    projects=None,
    base_url: str = "",
) -> ExportFile:
    """The year's 資料 as a file in ``fmt`` (xlsx, json, csv or pdf). ``municipality`` or
    ``projects`` limit it to some projects, ``as_of`` gives it as it stood at the end of that
    day, ``base_url`` makes the portal's URLs in json and csv absolute. Raises ``AsOfRefused``
    (a day it cannot give) and ``PdfUnavailable`` (a PDF this machine cannot render)."""
    if fmt not in formats.CONTENT_TYPES:
        raise ValueError(f"unknown format: {fmt}")
    overview = year_overview(fiscal_year, as_of=as_of, municipality=municipality, projects=projects)
    if fmt == "pdf":
        content = overview_pdf(overview)
    else:
        content = formats.render(overview, fmt, base_url=base_url)
    suffix = f"-{municipality.slug}" if municipality is not None else ""
    if as_of is not None:
        suffix += f"-as-of-{as_of.isoformat()}"
    return ExportFile(
        content=content,
        filename=formats.filename(overview, fmt, suffix),
        content_type=formats.CONTENT_TYPES[fmt],
    )
