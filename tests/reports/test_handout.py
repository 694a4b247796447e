"""The meeting handout: the 資料 as an A3 landscape PDF with real text (pypdf reads it back),
from the command, the admin, the staff page, the years page and the public print page."""

import io
import re

import pypdf
import pytest
from django.core.management import CommandError, call_command

from projects.models import FiscalYear
from projects.reports.handout import overview_pdf
from projects.reports.tables import overview_from_db
from projects.services.imports import import_overview, read_workbook
from projects.table import pdf
from tests.support.editions import build_later_edition
from tests.support.history import imported_on
from tests.support.staff import add_users, client_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pdf_renderer", "own_cache")]


A3_LANDSCAPE = (1190.55, 841.89)  # points
B4_LANDSCAPE = (1031.81, 728.50)
BANDS = [
    "圏域全体の経済成長のけん引",
    "高次の都市機能の集積・強化",
    "圏域全体の生活関連機能サービスの向上",
]


def pages(data: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages]


def sizes(data: bytes) -> set[tuple[float, float]]:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return {
        (round(float(p.mediabox.width), 2), round(float(p.mediabox.height), 2))
        for p in reader.pages
    }


def squashed(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def rendered():
    return {}


@pytest.fixture
def r2_pdf(r2, rendered):
    """R2's PDF, rendered once for the tests of this module that only read it (R2 is the same
    in each of them)."""
    if "r2" not in rendered:
        rendered["r2"] = overview_pdf(overview_from_db(r2))
    return rendered["r2"]


def test_r2_is_an_a3_landscape_pdf_with_its_title_and_label_as_text(r2_pdf):
    assert r2_pdf.startswith(b"%PDF-")
    assert sizes(r2_pdf) == {A3_LANDSCAPE}
    first = pages(r2_pdf)[0]
    assert first.startswith("資料1-2令和2年度連携事業概要及び実績見込み\n")


def test_each_strategy_starts_a_page_under_the_repeated_header(r2_pdf):
    texts = pages(r2_pdf)
    assert len(texts) >= len(BANDS)
    starts = []
    for band in BANDS:
        page = next(i for i, text in enumerate(texts) if f"\n{band}\n" in text)
        starts.append(page)
        lines = texts[page].split("\n")
        header = next(i for i, line in enumerate(lines) if line.startswith("取組 事業名"))
        assert lines[header + 1] == band, band  # the first row under the header
    assert starts == sorted(starts) and starts[0] == 0
    for text in texts:
        assert text.startswith(("取組 事業名 事業の概要 事業の実績見込み", "資料1-2"))
        assert "(●は実施済み、○は実施中、△は実施予定、■コロナの影響による中止)" in text


def test_pages_are_numbered_one_of_n(r2_pdf):
    texts = pages(r2_pdf)
    total = len(texts)
    assert [text.rsplit("\n", 1)[-1] for text in texts] == [
        f"{n} / {total}" for n in range(1, total + 1)
    ]


def test_nothing_is_clipped_every_line_is_in_the_text(r2, r2_pdf):
    text = squashed("".join(pages(r2_pdf)))
    overview = overview_from_db(r2)
    for row in overview.rows():
        for line in row.results.split("\n"):
            assert squashed(line) in text, line
        assert squashed(row.summary) in text
    for project in overview.projects():
        assert squashed(project.name) in text


def test_the_japanese_font_is_embedded(r2_pdf):
    reader = pypdf.PdfReader(io.BytesIO(r2_pdf))
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            fonts[str(font["/BaseFont"]).split("+")[-1]] = "/FontFile3" in descriptor.get_object()
    assert fonts == {"Noto-Sans-CJK-JP": True, "Noto-Sans-CJK-JP-Bold": True}


def test_a_later_edition_prints_on_its_own_paper_with_its_footer(tmp_path):
    result = import_overview(read_workbook(build_later_edition(tmp_path / "later.xlsx")))
    data = overview_pdf(overview_from_db(FiscalYear.objects.get(year=result.fiscal_year)))
    assert sizes(data) == {B4_LANDSCAPE}
    texts = pages(data)
    assert len(texts) == 3
    assert texts[0].startswith(
        "資料2令和3年度連携事業概要及び実績\n※ 令和3年12月1日現在の見込みです。"
    )
    assert all(t.endswith(f"資料2 {n} / 3") for n, t in enumerate(texts, start=1))
    assert "関係市町" in texts[1] and "宇部市、美祢市、山陽小野田市" in squashed(texts[0])


def test_the_command_writes_the_pdf(r2, tmp_path, capsys):
    out = tmp_path / "r2.pdf"
    call_command("export_overview", "--year", "2020", "--format", "pdf", "-o", str(out))
    assert sizes(out.read_bytes()) == {A3_LANDSCAPE}
    assert capsys.readouterr().out.startswith(f"{out} に出力しました (")


def test_without_the_renderer_the_command_and_pages_say_what_is_missing(
    r2_published, monkeypatch, tmp_path, demo_users
):
    monkeypatch.setattr(pdf, "missing", lambda: "日本語のフォント Noto Sans CJK JP がありません。")
    with pytest.raises(CommandError) as refused:
        call_command(
            "export_overview", "--year", "2020", "--format", "pdf", "-o", str(tmp_path / "x")
        )
    assert (
        str(refused.value) == "PDF を作れません: 日本語のフォント Noto Sans CJK JP がありません。"
    )
    response = client_for(demo_users["jimukyoku"]).get(
        f"/admin/projects/fiscalyear/{r2_published.pk}/export.pdf"
    )
    assert response.status_code == 503
    assert (
        response.content.decode()
        == "PDF を作れません: 日本語のフォント Noto Sans CJK JP がありません。"
    )


@pytest.fixture
def users(demo_users):
    return add_users(dict(demo_users))


def test_every_place_that_offers_the_xlsx_offers_the_pdf(r2_published, users):
    secretariat = client_for(users["jimukyoku"])
    pk = r2_published.pk
    page = secretariat.get(f"/admin/projects/fiscalyear/{pk}/change/").content.decode()
    assert f'href="/admin/projects/fiscalyear/{pk}/export.pdf">資料 (PDF) を出力</a>' in page
    assert f'href="/admin/projects/fiscalyear/{pk}/export.pdf?municipality=ube"' in page
    staff = secretariat.get("/staff/").content.decode()
    assert 'href="/staff/export/overview.pdf">資料 (PDF)</a>' in staff
    years = secretariat.get("/years/").content.decode()
    assert (
        '<button type="submit" name="format" value="pdf">この日現在の資料 (PDF)</button>' in years
    )
    public = client_for(None).get("/print/2020/").content.decode()
    assert 'href="/print/2020.pdf" download>PDF をダウンロード</a>' in public


def test_the_pdf_downloads(r2_published, users):
    imported_on(r2_published)
    secretariat = client_for(users["jimukyoku"])
    responses = {
        "admin": secretariat.get(f"/admin/projects/fiscalyear/{r2_published.pk}/export.pdf"),
        "admin-ube": secretariat.get(
            f"/admin/projects/fiscalyear/{r2_published.pk}/export.pdf?municipality=ube"
        ),
        "staff-ube": client_for(users["ube"]).get("/staff/export/overview.pdf"),
        "as-of": secretariat.get("/years/2020/export/?as_of=2020-12-01&format=pdf"),
        "public": client_for(None).get("/print/2020.pdf"),
    }
    names = {
        "admin": "renkei-overview-2020.pdf",
        "admin-ube": "renkei-overview-2020-ube.pdf",
        "staff-ube": "renkei-overview-2020-ube.pdf",
        "as-of": "renkei-overview-2020-as-of-2020-12-01.pdf",
        "public": "renkei-overview-2020.pdf",
    }
    for where, response in responses.items():
        assert response.status_code == 200, where
        assert response["Content-Type"] == "application/pdf", where
        assert response["Content-Disposition"] == f'attachment; filename="{names[where]}"', where
        assert sizes(response.content) == {A3_LANDSCAPE}, where
    assert "（令和2年12月1日現在）" in pages(responses["as-of"].content)[0]
    whole = len(pages(responses["admin"].content))
    assert len(pages(responses["staff-ube"].content)) <= whole


def test_an_unpublished_years_pdf_is_not_public(r2):
    assert client_for(None).get("/print/2020.pdf").status_code == 404
    assert client_for(None).get("/opendata/2020.pdf").status_code == 404
