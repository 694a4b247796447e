"""The operator's commands: ``make run`` keeps what was edited on screen (the area and the
year are read only when absent), and a database that cannot be reached is a few Japanese
lines saying what to do, never a traceback."""

import io

import pytest
from django.core.management import call_command

from projects.models import Activity, Area, FiscalYear
from tests.conftest import AREA_FILE, R2_WORKBOOK
from tests.support.processes import manage, url_of_test_database
from tests.support.staff import activity_of, client_for

UNREACHABLE = "postgres://portal@127.0.0.1:1/portal"  # nothing listens on port 1
HOW_TO_CREATE = [
    "データベースがまだなければ作成してから、python manage.py migrate を実行してください:",
    "    createdb -h 127.0.0.1 -p 1 -U portal portal",
    "作成済みなら、PostgreSQL が動いているか、DATABASE_URL (環境変数) のホスト・ポート・"
    "ユーザー・パスワードが正しいかを確かめてください。",
]


def command(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_run_again_after_an_edit_on_screen_keeps_the_edit(r2, demo_users):
    activity = activity_of(r2, 28)
    client = client_for(demo_users["jimukyoku"])
    prefix = f"a{activity.pk}"
    response = client.post(
        f"/staff/activities/{activity.pk}/",
        {
            f"{prefix}-status": "cancelled",
            f"{prefix}-text": "画面で直した実績",
            f"{prefix}-details": "\n".join(activity.details),
            f"{prefix}-version": str(activity.version),
        },
    )
    assert response.status_code == 302

    out = command("import_overview", "--if-absent", str(R2_WORKBOOK))

    assert out.splitlines() == [
        "2020年度はすでにあり、ファイルと違う点があります (画面での変更など): 更新: 実績項目 1",
        "画面での変更を残すため、取り込みませんでした。ファイルの内容で上書きするには "
        f"python manage.py import_overview {R2_WORKBOOK} を実行してください "
        "(--dry-run で違う点を 1 件ずつ表示します)。",
    ]
    edited = Activity.objects.get(pk=activity.pk)
    assert (edited.status, edited.text) == ("cancelled", "画面で直した実績")


def test_run_again_without_edits_says_the_year_is_the_same(r2):
    assert command("import_overview", "--if-absent", str(R2_WORKBOOK)) == (
        "2020年度はすでにあり、ファイルと同じです。取り込みは不要です。\n"
    )


@pytest.mark.django_db
def test_the_first_run_imports_the_year():
    out = command("import_overview", "--if-absent", str(R2_WORKBOOK))
    assert out.splitlines()[0] == "資料1-2 (2020年度): 取組 3、施策 16、事業 29、行 38、実績項目 89"
    assert FiscalYear.objects.filter(year=2020).exists()


def test_the_area_is_read_once_and_then_kept(db):
    Area.objects.update(name="画面で直した圏域名")
    assert command("setup_area", "--if-absent", str(AREA_FILE)) == (
        "圏域「画面で直した圏域名」は設定済みです。画面での変更を残すため、"
        f"{AREA_FILE} は読みませんでした (ファイルの内容にするには --if-absent なしで実行してください)。\n"
    )
    assert Area.objects.get().name == "画面で直した圏域名"


@pytest.mark.parametrize(
    "args", [["migrate", "--noinput"], ["import_overview", str(R2_WORKBOOK)], ["runserver", "0"]]
)
def test_an_unreachable_postgresql_is_explained_with_createdb(args):
    done = manage(*args, database_url=UNREACHABLE)
    assert done.returncode == 1
    lines = done.stderr.splitlines()
    assert lines[0].startswith(
        "PostgreSQL のデータベース「portal」(127.0.0.1:1、ユーザー portal) に接続できません: "
        'connection to server at "127.0.0.1", port 1 failed: Connection refused'
    )
    assert lines[1:] == HOW_TO_CREATE
    assert done.stdout == ""


def test_a_missing_postgresql_database_is_named(db, settings):
    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("PostgreSQL で実行したときのテスト (DATABASE_URL=postgres://…)")
    url = url_of_test_database().rsplit("/", 1)[0] + "/portal_not_created"
    done = manage("migrate", database_url=url)
    assert done.returncode == 1
    assert 'database "portal_not_created" does not exist' in done.stderr.splitlines()[0]
    assert "createdb" in done.stderr.splitlines()[2]


def test_an_sqlite_file_in_a_missing_folder_is_explained(tmp_path):
    path = tmp_path / "missing" / "portal.sqlite3"
    done = manage("migrate", database_url=f"sqlite:///{path}")
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        f"SQLite のデータベース {path} を開けません: unable to open database file",
        f"フォルダ {path.parent} があり書き込めるか、DATABASE_URL (環境変数) が正しいかを"
        "確かめてください。",
    ]


def test_a_database_without_its_tables_asks_for_migrate(tmp_path):
    path = tmp_path / "portal.sqlite3"
    path.touch()  # created, never migrated
    done = manage("import_overview", str(R2_WORKBOOK), database_url=f"sqlite:///{path}")
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        f"データベース {path} の表がまだないか、古いままです。"
        "先に python manage.py migrate を実行してください。"
    ]
