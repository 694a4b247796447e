"""The upload preview read top to bottom: every change names its field in words, an order
change says what moved, a change of spaces alone says so, and the summary's counts are the
tables' counts."""

import io
import re

import openpyxl
import pytest

from projects.models import Project, ProjectRow
from tests.support.staff import activity_of, add_users, client_for, project_form

UPLOAD = "/admin/projects/fiscalyear/upload/"
SWAPPED_CELL = "F4"  # project 1: four lines, the first two swapped in the file
SPACED_CELL = "F5"  # project 2: a line with a trailing space


@pytest.fixture
def users(demo_users):
    return add_users(dict(demo_users))


def edited_r2(r2_path, *, column=False, stated=False) -> bytes:
    workbook = openpyxl.load_workbook(r2_path)
    ws = workbook.worksheets[0]
    lines = ws[SWAPPED_CELL].value.split("\n")
    ws[SWAPPED_CELL] = "\n".join([lines[1], lines[0], *lines[2:]])
    lines = ws[SPACED_CELL].value.split("\n")
    ws[SPACED_CELL] = "\n".join([lines[0] + " ", *lines[1:]])
    if column:
        ws["G2"] = "関係市町"
    if stated:
        ws["A1"] = ws["A1"].value + "（令和4年1月31日現在）"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def preview(client, content: bytes) -> str:
    upload = io.BytesIO(content)
    upload.name = "r02.xlsx"
    response = client.post(UPLOAD, {"file": upload})
    assert response.status_code == 302, response.content.decode()
    return client.get(response["Location"]).content.decode()


def section(html: str, start: str, end: str = "</table>") -> str:
    return html.split(start, 1)[1].split(end, 1)[0]


def text_of(fragment: str) -> list[str]:
    """The rows of a table as their cells' text, 「 | 」 between cells."""
    rows = []
    for row in fragment.split("<tr")[2:]:
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        texts = (re.sub(r"\s+", " ", re.sub(r"<.*?>", " ", c)).strip() for c in cells)
        rows.append(" | ".join(texts).strip())
    return rows


def test_the_summary_counts_what_the_tables_list(users, r2, r2_path):
    html = preview(client_for(users["jimukyoku"]), edited_r2(r2_path))
    summary = section(html, '<ul class="upload-summary">', "</ul>")
    assert re.sub(r"<.*?>", "", summary) == (
        "更新: 実績項目 3 (下の表に 1 件、順序だけの変更 2 件)"
    )
    assert "更新される実績項目 (1 件)" in html
    assert "その他の変更 (1 件)" in html


def test_an_order_change_says_what_moved(users, r2, r2_path):
    html = preview(client_for(users["jimukyoku"]), edited_r2(r2_path))
    others = text_of(section(html, '<table class="differences">'))
    assert others == [
        "F4 | 実績項目 行 1 | 1 山口県中央連携都市圏域ビジョンの推進 | 実績項目の順序 | "
        "山口県中央連携都市圏域ビジョン懇談会の開催(3月頃) 山口県中央連携都市圏域推進協議会の開催(2/4) "
        "山口県中央連携都市圏域推進協議会幹事会の開催 | "
        "「山口県中央連携都市圏域推進協議会の開催(2/4)」 2 番目 → 1 番目 "
        "「山口県中央連携都市圏域ビジョン懇談会の開催(3月頃)」 1 番目 → 2 番目"
    ]


def test_a_change_of_spaces_alone_is_shown_as_such(users, r2, r2_path):
    html = preview(client_for(users["jimukyoku"]), edited_r2(r2_path))
    rows = text_of(section(html, '<table class="changes">'))
    assert rows == [
        "F5 | 2 起業・創業支援 | ○ 実施中 | 産業交流拠点施設における産業支援機能の調整 "
        "空白だけの変更 (文字は同じです) |"
    ]


def test_year_level_changes_name_their_field(users, r2, r2_path):
    html = preview(client_for(users["jimukyoku"]), edited_r2(r2_path, column=True, stated=True))
    others = text_of(section(html, '<table class="differences">'))
    assert [r for r in others if "関係市町の列" in r] == ["| 年度 |  | 関係市町の列 | なし | あり"]
    assert [r for r in others if "資料の時点" in r] == [
        "| 年度 |  | 資料の時点 | (なし) | 令和4年1月31日 (2022-01-31)"
    ]


def test_the_confirmation_message_counts_as_the_preview(users, r2, r2_path):
    client = client_for(users["jimukyoku"])
    upload = io.BytesIO(edited_r2(r2_path))
    upload.name = "r02.xlsx"
    location = client.post(UPLOAD, {"file": upload})["Location"]
    token = re.search(r'name="token" value="(\w+)"', client.get(location).content.decode())[1]
    done = client.post(location, {"confirm": "確定して取り込む", "token": token}, follow=True)
    assert "取り込みました。更新: 実績項目 3 (うち順序だけの変更 2 件)" in done.content.decode()


def test_lines_written_on_the_staff_page_come_back_from_the_export_unchanged(users, r2):
    """A status changed and a line added on the staff page, then the year exported and uploaded
    as it is: the markers the file writes are the ones stored, so nothing is to change."""
    activity = activity_of(r2, 25)  # △広域水源涵養 (宇部市・美祢市)
    ube = client_for(users["ube"])
    values = {"status": "done", "text": activity.text, "details": "\n".join(activity.details)}
    values["version"] = activity.version
    saved = ube.post(
        f"/staff/activities/{activity.pk}/", {f"a{activity.pk}-{k}": v for k, v in values.items()}
    )
    assert saved.status_code == 302
    row = activity.row.pk
    added = ube.post(
        f"/staff/rows/{row}/activities/",
        {f"r{row}-status": "planned", f"r{row}-text": "水源の森の見学会", f"r{row}-details": ""},
    )
    assert added.status_code == 302
    secretariat = client_for(users["jimukyoku"])
    exported = secretariat.get(f"/admin/projects/fiscalyear/{r2.pk}/export/")
    assert exported.status_code == 200
    html = preview(secretariat, exported.content)
    assert "記号の表記" not in html
    summary = section(html, '<ul class="upload-summary">', "</ul>")
    assert (
        re.sub(r"<.*?>", "", summary)
        == "変更はありません (データベースの内容はファイルと同じです)。"
    )


def test_rows_edited_on_the_project_page_come_back_from_the_export_unchanged(users, r2):
    """The middle row of a project removed and a row added as the admin's blank form has it
    (順序 0) on the project's page, then the year exported and uploaded as it is: every row is
    found at its place, none removed and made again."""
    project = Project.objects.get(fiscal_year=r2, number=28)
    rows = list(project.rows.order_by("order"))
    data = project_form(project, [*rows, ProjectRow(order=0, summary="若者の交流会")], delete=[1])
    secretariat = client_for(users["jimukyoku"])
    saved = secretariat.post(f"/admin/projects/project/{project.pk}/change/", data)
    assert saved.status_code == 302, saved.content.decode()[:2000]
    assert list(project.rows.order_by("order").values_list("order", flat=True)) == [0, 1, 2]
    exported = secretariat.get(f"/admin/projects/fiscalyear/{r2.pk}/export/")
    html = preview(secretariat, exported.content)
    summary = section(html, '<ul class="upload-summary">', "</ul>")
    assert (
        re.sub(r"<.*?>", "", summary)
        == "変更はありません (データベースの内容はファイルと同じです)。"
    )
