"""Bad files and an empty site: each message says what is wrong and what to do, in Japanese,
sizes in MB; a refusal lists no warnings about how the file would be imported; a database
without an area says that ``setup_area`` comes first; a site with no published year greets the
secretariat instead of a 404."""

import io
import os
import zipfile

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from projects.models import Area, FiscalYear, Municipality
from projects.table.files import first_bytes, looks_like_text
from tests.support.builders import Sheet, build, small_rows
from tests.support.staff import add_users, client_for

UPLOAD = "/admin/projects/fiscalyear/upload/"


@pytest.fixture
def users(demo_users):
    return add_users(dict(demo_users))


def post(client, content: bytes, name: str):
    upload = io.BytesIO(content)
    upload.name = name
    return client.post(UPLOAD, {"file": upload})


def page_problems(response) -> list[str]:
    html = response.content.decode()
    if '<ul class="upload-problems">' not in html:
        return [e for e in html.split('<ul class="errorlist">')[1:2] for e in [e.split("</ul>")[0]]]
    block = html.split('<ul class="upload-problems">')[1].split("</ul>")[0]
    return [item.split("</li>")[0].strip() for item in block.split("<li>")[1:]]


def bomb(r2_path) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(r2_path) as source, zipfile.ZipFile(buffer, "w") as out:
        for item in source.infolist():
            out.writestr(item, source.read(item.filename))
        out.writestr("xl/media/padding.bin", b"\0" * 5_000_000, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def test_an_empty_file_says_so_and_what_to_do(users, r2):
    response = post(client_for(users["jimukyoku"]), b"", "empty.xlsx")
    assert response.status_code == 400
    assert (
        "ファイルが空です (0 バイト)。保存が終わる前に選んだか、別のファイルを選んだおそれがあります。"
        "資料の Excel ブック (.xlsx) を選び直してください。"
    ) in response.content.decode()


def test_a_renamed_text_file_is_told_to_be_saved_as_a_workbook(users, r2):
    response = post(client_for(users["jimukyoku"]), "取組,事業名\n".encode(), "notes.xlsx")
    assert page_problems(response) == [
        "Excel ブック (.xlsx) ではありません: notes.xlsx。中身はテキスト (CSV など) で、名前だけが"
        " .xlsx になっています。名前を変えただけでは Excel ブックになりません。Excel で開き、"
        "「名前を付けて保存」で「Excel ブック (*.xlsx)」を選んで保存し直してください。"
    ]
    response = post(client_for(users["jimukyoku"]), os.urandom(4096), "random.xlsx")
    assert page_problems(response) == [
        "Excel ブック (.xlsx) ではありません: random.xlsx。Excel で開けるか確かめ、"
        "「名前を付けて保存」で「Excel ブック (*.xlsx)」を選んで保存し直してください。"
    ]


def test_a_zip_bomb_is_told_in_megabytes(users, r2, r2_path, settings):
    settings.OVERVIEW_MAX_UNCOMPRESSED_BYTES = 1024 * 1024
    response = post(client_for(users["jimukyoku"]), bomb(r2_path), "r02.xlsx")
    assert page_problems(response) == [
        "ブックを展開すると大きすぎます (展開後 4.8 MB、上限 1.0 MB)。圧縮を解くと極端に大きく"
        "なるファイルは、安全のため受け付けません。画像や使っていないシートを削除して Excel で"
        "保存し直すか、表のシートだけを新しいブックにコピーしてから、もう一度選んでください。"
    ]


def test_a_large_file_is_told_in_megabytes(users, r2, r2_path, settings):
    settings.OVERVIEW_MAX_UPLOAD_BYTES = 5_000
    response = post(client_for(users["jimukyoku"]), r2_path.read_bytes(), "r02.xlsx")
    assert response.status_code == 413
    assert "ファイルが大きすぎます (0.012 MB、上限 0.005 MB)。" in response.content.decode()


def test_a_refusal_lists_no_import_warnings(users, r2, tmp_path):
    """A file with an error and warnings (a number-only row) is refused with the error only."""
    path = build(tmp_path / "y.xlsx", Sheet(small_rows(), title="連携事業概要"))
    response = post(client_for(users["jimukyoku"]), path.read_bytes(), "y.xlsx")
    html = response.content.decode()
    assert response.status_code == 400
    assert "表題から年度 (例: 令和2年度) を読み取れません。" in html
    assert "取り込んで残します" not in html and "警告" not in html
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_overview", str(path), stdout=io.StringIO(), stderr=err)
    assert err.getvalue() == ""


def test_import_on_a_database_without_an_area_says_setup_area_first(db, tmp_path):
    Municipality.objects.all().delete()
    Area.objects.all().delete()
    path = build(tmp_path / "t.xlsx", Sheet(small_rows(), municipality_column=True))
    with pytest.raises(CommandError) as info:
        call_command("import_overview", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    assert str(info.value) == (
        "取り込みを中止しました。データベースは変更していません。エラー 1 件:\n"
        "  圏域が設定されていません。資料を取り込む前に、圏域と構成市町を "
        "`python manage.py setup_area 圏域の設定.toml` で作成してください (README の「圏域の設定」)。"
    )
    assert not FiscalYear.objects.exists()


def test_a_site_without_a_published_year_welcomes(client, users, r2):
    FiscalYear.objects.update(published=False, is_current=False)
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "このポータルは公開の準備中です。" in html
    assert "事務局の方はこちらからログインしてください" in html
    staff = client_for(users["jimukyoku"]).get("/").content.decode()
    assert "事務局の方へ: 公開までの手順" in staff
    assert "圏域と構成市町: 設定済みです。" in staff
    assert client.get("/?year=2020").status_code == 404


def test_a_workbook_built_with_openpyxl_is_not_taken_for_text(tmp_path):
    openpyxl.Workbook().save(tmp_path / "w.xlsx")
    assert looks_like_text(first_bytes(tmp_path / "w.xlsx", 512)) is False


def test_an_empty_site_starts_the_secretariat_at_setup_area(client, django_user_model):
    Municipality.objects.all().delete()
    Area.objects.all().delete()
    assert client.get("/").status_code == 200
    staff = django_user_model.objects.create_user("office", is_staff=True)
    client.force_login(staff)
    html = client.get("/").content.decode()
    assert (
        "圏域と構成市町を設定します: <code>python manage.py setup_area 圏域の設定.toml</code>"
        in html
    )
    assert 'href="/admin/projects/fiscalyear/upload/"' in html
