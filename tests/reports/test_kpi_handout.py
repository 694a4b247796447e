"""The KPI section of the meeting handout: the year's indicators on a page of their own after
the 資料 table, with the ratios and the sheet's legend; no section without a KPI sheet."""

import io

import pypdf
import pytest
from django.core.management import call_command

from projects.services.kpi import import_kpi, read_kpi_file
from tests.support import kpi_sheets

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pdf_renderer", "own_cache")]

R2_TITLE = "【参考】成果指標評価・検証一覧（令和2年度）"


def handout(tmp_path) -> list[str]:
    target = tmp_path / "r2.pdf"
    call_command("export_overview", "--year", "2020", "--format", "pdf", "-o", str(target))
    reader = pypdf.PdfReader(io.BytesIO(target.read_bytes()))
    return [page.extract_text() for page in reader.pages]


def test_the_handout_ends_with_the_kpi_section(r2, tmp_path):
    before = handout(tmp_path)
    assert not any("成果指標" in page for page in before)
    import_kpi(sheet=read_kpi_file(io.BytesIO(kpi_sheets.usual(title=R2_TITLE))))
    after = handout(tmp_path)
    assert len(after) == len(before) + 1
    last = after[-1].replace(" ", "")
    assert "成果指標—【参考】成果指標評価・検証一覧（令和2年度）" in last
    assert "待機児童数（人）" in last and "70.8%" in last and "-415.0%" in last
    assert "凡例：◎目標達成" in last
