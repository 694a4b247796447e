"""The meeting handout: a year's 資料 as a PDF, from the print view's table (``table.html``)
rendered by WeasyPrint (``table.pdf``) in the edition's print set-up."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string

from projects.table import pdf
from projects.table.eras import fiscal_year_label
from projects.table.html import html_table
from projects.table.model import Overview

from .kpi.handout import kpi_section

STYLESHEET = settings.BASE_DIR / "static" / "shiryo-pdf.css"
PdfUnavailable = pdf.PdfUnavailable


def overview_pdf(overview: Overview) -> bytes:
    """The table as an A3 landscape PDF (the edition's paper) with real, embedded text.
    Raises PdfUnavailable when WeasyPrint, pango or the Japanese font is missing."""
    table = html_table(overview)
    label = fiscal_year_label(overview.fiscal_year) if overview.fiscal_year else ""
    html = render_to_string(
        "projects/print_pdf.html",
        {
            "overview": overview,
            "table": table,
            "fiscal_year": {"label": label},
            "kpi": kpi_section(overview.fiscal_year),  # "" without a KPI sheet
        },
    )
    return pdf.write_pdf(
        html,
        layout=overview.sheet_layout(),
        widths=table.widths,
        stylesheets=[STYLESHEET],
        base_url=str(settings.BASE_DIR),
    )
