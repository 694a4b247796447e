"""The table as of a date, rebuilt from the recorded history (Change rows)."""

import datetime
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from projects.models import Activity, Change, Project, ProjectRow
from projects.reports.tables import overview_as_of

JST = ZoneInfo("Asia/Tokyo")


def at(day: str, time: str = "10:00") -> datetime.datetime:
    return datetime.datetime.fromisoformat(f"{day}T{time}").replace(tzinfo=JST)


def edit(activity, field, new, when):
    """What an edit leaves behind: the new value, and a Change with the old one."""
    old = getattr(activity, field)
    setattr(activity, field, new)
    activity.save()
    Change.objects.create(
        fiscal_year=activity.row.project.fiscal_year,
        project=activity.row.project,
        activity=activity,
        changed_at=when,
        source="portal",
        field=field,
        old_value="\n".join(old) if field == "details" else (old or ""),
        new_value="\n".join(new) if field == "details" else (new or ""),
    )


@pytest.fixture
def history(r2):
    """R2 as imported on 1 April 2020, then edited through the year."""
    Activity.objects.for_year(r2).update(created_at=at("2020-04-01", "09:00"))
    Project.objects.filter(fiscal_year=r2).update(created_at=at("2020-04-01", "09:00"))

    def get(start):
        return (
            Activity.objects.for_year(r2)
            .select_related("row__project__fiscal_year")
            .get(text__startswith=start)
        )

    vision, bus, youth = (
        get("山口県中央連携都市圏域ビジョン懇談会"),
        get("圏域企業訪問"),
        get("若者の交流"),
    )
    edit(vision, "status", "done", at("2021-01-20"))
    edit(bus, "details", ["・参加者20名"], at("2021-01-31", "23:30"))
    edit(bus, "text", "圏域企業訪問バスツアー(1/8、2/9)", at("2021-02-10"))
    edit(youth, "status", "in_progress", at("2021-02-01", "00:00"))
    Activity.objects.create(
        row=vision.row,
        order=9,
        status="planned",
        text="圏域ビジョンの改訂",
        created_at=at("2021-02-05"),
    )
    return r2


def lines(overview, number):
    project = next(p for p in overview.projects() if p.number == number)
    return [line for row in project.rows for a in row.activities for line in a.lines()]


def test_as_of_end_of_january(history):
    overview = overview_as_of(history, datetime.date(2021, 1, 31))
    assert overview.title == "令和2年度連携事業概要及び実績見込み（令和3年1月31日現在）"
    assert lines(overview, 1) == [
        "●山口県中央連携都市圏域ビジョン懇談会の開催(3月頃)",
        "△山口県中央連携都市圏域推進協議会の開催(2/4)",
        "○山口県中央連携都市圏域推進協議会幹事会の開催",
        "・第1回幹事会(5/22)、第2回幹事会(10/15)、第3回幹事会(1/28)",
    ]
    assert "●圏域企業訪問バスツアー(1/8)" in lines(overview, 27)
    assert lines(overview, 27)[lines(overview, 27).index("●圏域企業訪問バスツアー(1/8)") + 1] == (
        "・参加者20名"
    )
    assert lines(overview, 22) == ["△若者の交流の場づくりの検討"]


def test_as_of_before_the_changes(history):
    overview = overview_as_of(history, datetime.date(2021, 1, 10))
    assert overview.title.endswith("（令和3年1月10日現在）")
    assert lines(overview, 1)[0] == "△山口県中央連携都市圏域ビジョン懇談会の開催(3月頃)"
    bus = lines(overview, 27)
    assert (
        bus[bus.index("●圏域企業訪問バスツアー(1/8)") + 1]
        == "○おためし暮らし賃貸住宅家賃補助金(圏域への移住定住を考えている方を対象とし、仕事や住居等を探すための長期滞在に対する支援)"
    )


def test_today_shows_everything(history):
    overview = overview_as_of(history, datetime.date(2021, 3, 31))
    assert lines(overview, 1)[-1] == "△圏域ビジョンの改訂"
    assert "●圏域企業訪問バスツアー(1/8、2/9)" in lines(overview, 27)
    assert lines(overview, 22) == ["○若者の交流の場づくりの検討"]
    # Nothing in the database was changed by building the old tables.
    assert Activity.objects.get(text__startswith="若者の交流").status == "in_progress"


def test_a_project_added_later_is_not_in_the_earlier_table(history):
    measure = Project.objects.get(fiscal_year=history, number=30).measure
    added = Project.objects.create(
        fiscal_year=history,
        measure=measure,
        number=31,
        name="新しい連携事業",
        order=99,
        created_at=at("2021-02-20"),
    )
    ProjectRow.objects.create(project=added, summary="概要")
    before = overview_as_of(history, datetime.date(2021, 1, 31))
    after = overview_as_of(history, datetime.date(2021, 3, 31))
    assert 31 not in [p.number for p in before.projects()]
    assert [p.name for p in after.projects() if p.number == 31] == ["新しい連携事業"]
    assert len(before.projects()) == 29


def test_export_command_as_of(history, tmp_path, capsys):
    path = tmp_path / "asof.xlsx"
    call_command("export_overview", "--year", "2020", "--as-of", "2021-01-31", "-o", str(path))
    assert capsys.readouterr().out.startswith(f"{path} に出力しました")
    sheet = openpyxl.load_workbook(path).active
    assert sheet["A1"].value == "令和2年度連携事業概要及び実績見込み（令和3年1月31日現在）"
    cells = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert any(v.startswith("●山口県中央連携都市圏域ビジョン懇談会の開催(3月頃)\n") for v in cells)
    assert not any("圏域ビジョンの改訂" in v for v in cells)

    before = tmp_path / "before.xlsx"
    call_command("export_overview", "--year", "2020", "--as-of", "2021-01-10", "-o", str(before))
    cells = [c.value for row in openpyxl.load_workbook(before).active.iter_rows() for c in row]
    assert any(
        isinstance(v, str) and v.startswith("△山口県中央連携都市圏域ビジョン懇談会の開催(3月頃)\n")
        for v in cells
    )


def test_export_command_names_the_file_by_date(history, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    call_command("export_overview", "--year", "2020", "--as-of", "2021-01-31")
    assert (tmp_path / "renkei-overview-2020-as-of-2021-01-31.xlsx").exists()
    with pytest.raises(CommandError, match="--as-of は YYYY-MM-DD の形式で指定してください: 1/31"):
        call_command("export_overview", "--year", "2020", "--as-of", "1/31")
