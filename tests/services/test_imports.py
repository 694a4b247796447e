"""Import and export against the database: the R2 figures, re-imports, dry runs, round trips."""

import csv
import io
import json
import subprocess
import sys
from collections import Counter

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from projects.models import (
    Activity,
    Change,
    Event,
    FiscalYear,
    Measure,
    Municipality,
    Project,
    ProjectRow,
    StaffProfile,
    Strategy,
)
from projects.reports.tables import overview_from_db
from projects.services.imports import ImportRefused, import_overview, read_workbook
from projects.table.formats import render, to_json
from tests.conftest import ROOT
from tests.support.builders import Row, Sheet, build, small_rows
from tests.support.opendata import without_ids


def snapshot():
    """Everything the import writes, to prove a refused or dry run wrote nothing."""
    return {
        model.__name__: sorted(map(str, model.objects.values_list()))
        for model in (FiscalYear, Strategy, Measure, Project, ProjectRow, Activity, Event, Change)
    }


def test_r2_import_gives_the_documented_figures(r2):
    activities = Activity.objects.for_year(r2)
    assert Strategy.objects.filter(fiscal_year=r2).count() == 3
    assert Measure.objects.filter(strategy__fiscal_year=r2).count() == 16
    assert Project.objects.filter(fiscal_year=r2).count() == 29
    assert ProjectRow.objects.filter(project__fiscal_year=r2).count() == 38
    statuses = Counter(activities.values_list("status", flat=True))
    assert statuses == {"done": 4, "in_progress": 59, "planned": 18, "cancelled": 7, None: 1}
    assert sum(len(a.details) for a in activities) == 35
    tags = Counter(t for a in activities for t in a.tag_list)
    assert tags == {"新規": 10, "拡充": 1, "再掲": 6}
    assert "新規" in activities.get(status__isnull=True).tag_list
    assert (r2.title, r2.document_label) == ("令和2年度連携事業概要及び実績見込み", "資料1-2")
    assert r2.legend["cancelled"] == "コロナの影響による中止"
    assert [p.number for p in Project.objects.filter(fiscal_year=r2, number__isnull=True)] == [
        None
    ] * 3


def test_r2_events_are_fiscal_year_aware(r2):
    first = Activity.objects.get(row__project__number=1, order=2)
    assert [e.as_dict() for e in first.events.order_by("order")] == [
        {
            "start": "2020-05-22",
            "end": None,
            "approximate": False,
            "planned": False,
            "source": "5/22",
        },
        {
            "start": "2020-10-15",
            "end": None,
            "approximate": False,
            "planned": False,
            "source": "10/15",
        },
        {
            "start": "2021-01-28",
            "end": None,
            "approximate": False,
            "planned": False,
            "source": "1/28",
        },
    ]
    approx = Activity.objects.get(row__project__number=1, order=0).events.get()
    assert (approx.start_iso, approx.approximate) == ("2021-03", True)


def test_reimport_changes_nothing_and_says_so(r2, r2_path):
    before = snapshot()
    result = import_overview(read_workbook(r2_path))
    assert not result.changed
    assert result.summary_lines() == ["変更はありません (データベースの内容はファイルと同じです)。"]
    after = snapshot()
    before["FiscalYear"] = after["FiscalYear"] = None  # imported_at moves
    assert after == before


def test_changed_file_updates_in_place(r2, r2_path, tmp_path):
    ids = set(Activity.objects.values_list("id", flat=True))
    wb = openpyxl.load_workbook(r2_path)
    ws = wb.active
    ws["F4"] = ws["F4"].value.replace(
        "△山口県中央連携都市圏域推進協議会の開催(2/4)",
        "●山口県中央連携都市圏域推進協議会の開催(2/4)",
    )
    ws["F8"] = ws["F8"].value + "\n○新しい取組(6/1)"
    wb.save(tmp_path / "changed.xlsx")
    result = import_overview(read_workbook(tmp_path / "changed.xlsx"))
    assert result.summary_lines() == ["作成: 実績項目 1", "更新: 実績項目 1"]
    diff = result.activity_changes[0]
    assert (diff.cell, diff.old_status, diff.new_status, diff.project) == (
        "F4",
        "planned",
        "done",
        "1 山口県中央連携都市圏域ビジョンの推進",
    )
    assert ids < set(Activity.objects.values_list("id", flat=True))
    changed = Activity.objects.get(text="山口県中央連携都市圏域推進協議会の開催(2/4)")
    assert (changed.status, changed.version) == ("done", 2)
    change = Change.objects.get(activity=changed, field="status")
    assert (change.field, change.old_value, change.new_value, change.source) == (
        "status",
        "planned",
        "done",
        "import",
    )
    new = Activity.objects.get(text="新しい取組(6/1)")
    assert new.events.get().start_iso == "2020-06-01"


def test_a_line_removed_from_a_cell_removes_its_activity(r2, r2_path, tmp_path):
    """The row stays; the one line that is no longer in its results cell goes, the others keep
    their ids (and history)."""
    wb = openpyxl.load_workbook(r2_path)
    ws = wb.active
    lines = ws["F4"].value.split("\n")
    gone = next(line for line in lines if line.startswith("△山口県中央連携都市圏域推進協議会"))
    ws["F4"] = "\n".join(line for line in lines if line != gone)
    wb.save(tmp_path / "shorter.xlsx")
    before = Activity.objects.count()
    kept = set(
        Activity.objects.filter(row__project__number=1)
        .exclude(text=gone[1:])
        .values_list("id", flat=True)
    )
    result = import_overview(read_workbook(tmp_path / "shorter.xlsx"))
    # The line after it moves up one place (its order is updated).
    assert result.summary_lines() == [
        "更新: 実績項目 1 (うち順序だけの変更 1 件)",
        "削除: 実績項目 1",
    ]
    assert Activity.objects.count() == before - 1
    assert not Activity.objects.filter(text=gone[1:]).exists()
    assert set(Activity.objects.filter(row__project__number=1).values_list("id", flat=True)) == kept


def test_removed_project_is_reported_and_deleted(r2, r2_path, tmp_path):
    wb = openpyxl.load_workbook(r2_path)
    ws = wb.active
    for col in "CDEF":
        ws[f"{col}22"] = None  # project 15's only row
    wb.save(tmp_path / "removed.xlsx")
    result = import_overview(read_workbook(tmp_path / "removed.xlsx"))
    assert result.removed_projects == ["15 広域交通ネットワーク機能の強化"]
    assert not Project.objects.filter(number=15).exists()


def test_dry_run_reports_and_writes_nothing(db, r2_path):
    before = snapshot()
    result = import_overview(read_workbook(r2_path), dry_run=True)
    assert result.created == {
        "years": 0,  # a new year is not counted: its levels are
        "strategies": 3,
        "measures": 16,
        "projects": 29,
        "rows": 38,
        "activities": 89,
    }
    assert len(result.created_projects) == 29
    assert snapshot() == before


def test_dry_run_command_output(db, r2_path):
    out = io.StringIO()
    call_command("import_overview", str(r2_path), "--dry-run", stdout=out, stderr=io.StringIO())
    text = out.getvalue()
    assert "[確認のみ・書き込みなし] 作成: 取組 3、施策 16、事業 29、行 38、実績項目 89" in text
    assert "[確認のみ・書き込みなし]   + 事業 MICE誘致に向けた検討" in text
    assert not FiscalYear.objects.exists()


def test_command_reports_every_error_and_leaves_data(r2, tmp_path):
    rows = small_rows()
    rows[0].results = "◎二重丸"
    rows[1].results = "×バツ"
    path = build(tmp_path / "bad.xlsx", Sheet(rows))
    before = snapshot()
    with pytest.raises(CommandError) as info:
        call_command("import_overview", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    message = str(info.value)
    assert message.startswith(
        "取り込みを中止しました。データベースは変更していません。エラー 2 件:"
    )
    assert (
        "セル F4 事業「1 山口県中央連携都市圏域ビジョンの推進」: 1 行目の記号「◎」は凡例にありません: ◎二重丸"
        in message
    )
    assert "セル F5 事業「2 起業・創業支援」: 1 行目の記号「×」は凡例にありません: ×バツ" in message
    assert snapshot() == before


@pytest.mark.django_db
def test_a_title_without_a_year_makes_the_command_ask_for_its_option(tmp_path):
    path = build(tmp_path / "untitled.xlsx", Sheet(small_rows(), title="連携事業概要"))
    with pytest.raises(CommandError) as info:
        call_command("import_overview", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    assert (
        "  シート「資料1-2」: 表題から年度 (例: 令和2年度) を読み取れません。"
        " --year で年度を指定してください。"
    ) in str(info.value).split("\n")
    out = io.StringIO()
    call_command("import_overview", str(path), "--year", "2020", stdout=out, stderr=io.StringIO())
    assert "資料1-2 (2020年度)" in out.getvalue()


def test_command_exit_code_and_message_for_non_xlsx(tmp_path):
    path = tmp_path / "table.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    done = subprocess.run(
        [sys.executable, "manage.py", "import_overview", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "DATABASE_URL": f"sqlite:///{tmp_path}/x.db"},
    )
    assert done.returncode == 1
    assert (
        "ブックが壊れているため読めません: table.xlsx。Excel で開けるか確かめ、保存し直してください。"
        in done.stderr
    )
    assert "Traceback" not in done.stderr


def test_warnings_shown_by_command(db, r2_path):
    err = io.StringIO()
    call_command("import_overview", str(r2_path), stdout=io.StringIO(), stderr=err)
    assert (
        "警告: シート「資料1-2」 セル F16 事業「MICE誘致に向けた検討」: 1 行目に状況の記号がありません。"
        in err.getvalue()
    )
    assert err.getvalue().count("番号だけの行です") == 3


def test_municipality_column_sets_project_municipalities(db, tmp_path):
    path = build(tmp_path / "m.xlsx", Sheet(small_rows(), municipality_column=True))
    import_overview(read_workbook(path))
    names = {
        p.number: sorted(m.name for m in p.municipalities.all()) for p in Project.objects.all()
    }
    assert len(names[1]) == 7
    assert names[2] == ["宇部市", "山口市"]


def test_staff_scope_refuses_other_municipalities(r2, r2_path, tmp_path):
    wb = openpyxl.load_workbook(r2_path)
    wb.active["F35"] = wb.active["F35"].value.replace("△広域水源涵養", "●広域水源涵養")
    wb.save(tmp_path / "scoped.xlsx")
    ube = Municipality.objects.get(slug="ube")
    Project.objects.get(fiscal_year=r2, number=28).municipalities.add(ube)
    user = get_user_model().objects.create_user("ube-staff")
    StaffProfile.objects.create(user=user, municipality=ube)
    before = snapshot()
    with pytest.raises(ImportRefused) as info:
        import_overview(read_workbook(tmp_path / "scoped.xlsx"), user=user)
    assert [str(e) for e in info.value.result.errors] == [
        "シート「資料1-2」 セル F35 事業「25 環境保全の推進」: 行 1「広域水源涵養」 状況: "
        "△ 実施予定 → ● 実施済み — この行の実績項目を変更する権限がありません "
        "(担当の市町が関係市町に入っていない行です)。"
    ]
    after = snapshot()
    before["FiscalYear"] = after["FiscalYear"] = None
    assert after == before


def test_round_trip_through_exported_xlsx(r2, tmp_path, django_db_blocker):
    original = without_ids(to_json(overview_from_db(r2)))
    path = tmp_path / "export.xlsx"
    path.write_bytes(render(overview_from_db(r2), "xlsx"))
    FiscalYear.objects.all().delete()
    import_overview(read_workbook(path))
    assert without_ids(to_json(overview_from_db(FiscalYear.objects.get(year=2020)))) == original


def test_json_export_shape(r2):
    data = json.loads(render(overview_from_db(r2), "json"))
    assert data["format"] == "renkei-overview/1"
    assert (data["fiscal_year"], data["fiscal_year_label"], data["document_label"]) == (
        2020,
        "令和2年度",
        "資料1-2",
    )
    assert data["legend"] == {
        "done": "実施済み",
        "in_progress": "実施中",
        "planned": "実施予定",
        "cancelled": "コロナの影響による中止",
    }
    project = data["strategies"][0]["measures"][0]["projects"][0]
    assert (project["number"], project["name"]) == (1, "山口県中央連携都市圏域ビジョンの推進")
    first = project["rows"][0]["activities"][0]
    stored = Activity.objects.get(row__project__pk=project["id"], text=first["text"])
    assert project["url"] == f"/projects/{project['id']}/"  # absolute where the site is known
    assert first == {
        "id": stored.pk,
        "url": f"/projects/{project['id']}/#activity-{stored.pk}",
        "status": "planned",
        "marker": "△",
        "text": "山口県中央連携都市圏域ビジョン懇談会の開催(3月頃)",
        "details": [],
        "tags": [],
        "events": [
            {
                "start": "2021-03",
                "end": None,
                "approximate": True,
                "planned": False,
                "source": "3月頃",
            }
        ],
    }
    third = project["rows"][0]["activities"][2]
    assert third["details"] == ["・第1回幹事会(5/22)、第2回幹事会(10/15)、第3回幹事会(1/28)"]
    assert [e["start"] for e in third["events"]] == ["2020-05-22", "2020-10-15", "2021-01-28"]
    measures = data["strategies"][2]["measures"]
    assert measures[0]["policy_field"] == "(1) 生活機能の強化に係る政策分野"
    unmarked = data["strategies"][0]["measures"][4]["projects"][1]["rows"][0]["activities"][0]
    assert (unmarked["status"], unmarked["marker"], unmarked["tags"]) == (None, "", ["新規"])


def test_csv_export_one_row_per_activity_with_bom(r2):
    raw = render(overview_from_db(r2), "csv")
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == [
        "年度",
        "年度(西暦)",
        "取組番号",
        "取組",
        "政策分野",
        "施策記号",
        "施策",
        "事業ID",
        "事業番号",
        "事業名",
        "関係市町",
        "関係市町コード",
        "関係市町(記載)",
        "行",
        "事業の概要",
        "実績項目ID",
        "順序",
        "状況",
        "記号",
        "内容",
        "詳細",
        "タグ",
        "日程",
        "URL",
    ]
    assert len(rows) == 1 + 89
    first = dict(zip(rows[0], rows[1], strict=True))
    activity = Activity.objects.get(pk=first["実績項目ID"])
    assert (first["年度"], first["年度(西暦)"]) == ("令和2年度", "2020")
    assert (first["状況"], first["記号"], first["内容"]) == (
        "実施予定",
        "△",
        "山口県中央連携都市圏域ビジョン懇談会の開催(3月頃)",
    )
    assert first["事業ID"] == str(activity.row.project_id)
    assert first["URL"] == f"/projects/{activity.row.project_id}/#activity-{activity.pk}"


def test_csv_neutralises_formulas(r2):
    Activity.objects.filter(pk=Activity.objects.first().pk).update(text="=cmd|' /C calc'!A0")
    rows = list(csv.reader(io.StringIO(render(overview_from_db(r2), "csv").decode("utf-8-sig"))))
    assert rows[1][rows[0].index("内容")] == "'=cmd|' /C calc'!A0"


def test_export_command_writes_files(r2, tmp_path):
    for fmt in ("xlsx", "json", "csv"):
        out = tmp_path / f"o.{fmt}"
        call_command(
            "export_overview",
            "--year",
            "2020",
            "--format",
            fmt,
            "-o",
            str(out),
            stdout=io.StringIO(),
        )
        assert out.stat().st_size > 1000
    assert (
        openpyxl.load_workbook(tmp_path / "o.xlsx").active["A1"].value
        == "令和2年度連携事業概要及び実績見込み"
    )
    with pytest.raises(CommandError, match="2031 年度のデータがありません。"):
        call_command("export_overview", "--year", "2031")


def scaled_rows(times: int) -> list[Row]:
    """The small table repeated ``times`` times, each copy under its own strategy numbers."""
    rows = []
    for k in range(times):
        for row in small_rows():
            number, title = row.strategy.split(" ", 1)
            rows.append(
                Row(
                    f"{int(number) + 10 * k} {title}",
                    row.measure,
                    None if row.number is None else 100 * k + int(row.number),
                    f"{row.name}{k}" if row.name else "",
                    row.summary,
                    row.results,
                    policy_field=row.policy_field,
                )
            )
    return rows


def count_import_queries(tmp_path, times: int) -> int:
    path = build(tmp_path / f"x{times}.xlsx", Sheet(scaled_rows(times)))
    overview = read_workbook(path)
    with CaptureQueriesContext(connection) as ctx:
        import_overview(overview)
    return len(ctx)


def test_import_queries_do_not_grow_with_the_table(db, tmp_path):
    small = count_import_queries(tmp_path, 1)
    FiscalYear.objects.all().delete()
    large = count_import_queries(tmp_path, 5)
    # 3 reads (the year before the import, the year under lock, the members), 6 inserts (the
    # year and each level), 2 reads of the years before and after it, 1 insert of the events,
    # 1 read of the first listings, 1 insert of the history, 2 for the import's version (the
    # year, the insert: one that made its year keeps no after-state), 1 read of the years whose
    # caches follow, and 2 savepoints, each with its release. On PostgreSQL each table's rows
    # are one COPY after one query that draws their keys: 6 more.
    assert small == large == (21 if connection.vendor == "sqlite" else 27)


def test_reimport_queries_do_not_grow_with_the_table(db, tmp_path):
    counts = []
    for times in (1, 5):
        FiscalYear.objects.all().delete()
        path = build(tmp_path / f"y{times}.xlsx", Sheet(scaled_rows(times)))
        import_overview(read_workbook(path))
        with CaptureQueriesContext(connection) as ctx:
            import_overview(read_workbook(path))
        counts.append(len(ctx))
    assert counts[0] == counts[1]


def test_export_queries_do_not_grow_with_the_table(db, tmp_path):
    counts = []
    for times in (1, 5):
        FiscalYear.objects.all().delete()
        import_overview(
            read_workbook(build(tmp_path / f"z{times}.xlsx", Sheet(scaled_rows(times))))
        )
        fy = FiscalYear.objects.get()
        with CaptureQueriesContext(connection) as ctx:
            render(overview_from_db(fy), "json")
        counts.append(len(ctx))
    assert counts == [8, 8]  # the year's levels, the area and the year's members (their codes)


def later_edition(r2_path, tmp_path):
    """The R2 table as a later edition may lay it out: merged hierarchy cells repeated on every
    row, title moved down under notes, a 関係市町 column, a notes sheet first, CRLF breaks,
    full-width digits and other range marks."""
    wb = openpyxl.load_workbook(r2_path)
    ws = wb.active
    for merged in list(ws.merged_cells.ranges):
        value = ws.cell(merged.min_row, merged.min_col).value
        ws.unmerge_cells(str(merged))
        if merged.max_col == merged.min_col:  # vertical: strategy, measure, number, name
            for r in range(merged.min_row, merged.max_row + 1):
                ws.cell(r, merged.min_col).value = value
    ws["F6"] = ws["F6"].value.replace("(4/26～5/6)", "(４/２６〜５/６)")
    for row in range(3, ws.max_row + 1):
        cell = ws.cell(row, 6)
        if isinstance(cell.value, str):
            cell.value = cell.value.replace("\n", "\r\n")
        if ws.cell(row, 3).value is not None or ws.cell(row, 4).value is not None:
            ws.cell(row, 7).value = "山口市、宇部市" if ws.cell(row, 3).value == 3 else "全市町"
    ws["G2"] = "関係市町"
    ws.insert_rows(1, 2)
    ws["A1"] = "※ 速報値です"
    notes = wb.create_sheet("備考", 0)
    notes["A1"] = "備考: この資料は令和3年度の幹事会で配布"
    path = tmp_path / "later.xlsx"
    wb.save(path)
    return path


def test_later_edition_of_r2_imports_the_same_table(db, r2_path, tmp_path):
    import_overview(read_workbook(r2_path))
    expected = without_ids(to_json(overview_from_db(FiscalYear.objects.get(year=2020))))
    FiscalYear.objects.all().delete()
    result = import_overview(read_workbook(later_edition(r2_path, tmp_path)))
    assert result.totals == {
        "strategies": 3,
        "measures": 16,
        "projects": 29,
        "rows": 38,
        "activities": 89,
    }
    assert [w.code for w in result.warnings] == [
        "unmarked",
        "number_only",
        "number_only",
        "number_only",
    ]
    got = without_ids(to_json(overview_from_db(FiscalYear.objects.get(year=2020))))
    project3 = got["strategies"][0]["measures"][1]["projects"][1]
    assert project3["municipalities"] == ["山口市", "宇部市"]
    assert len(got["strategies"][0]["measures"][0]["projects"][0]["municipalities"]) == 7
    events = project3["rows"][0]["activities"][1]["events"]
    assert events == [
        {
            "start": "2020-04-26",
            "end": "2020-05-06",
            "approximate": False,
            "planned": False,
            "source": "４/２６〜５/６",
        }
    ]
    for data in (expected, got):  # what differs by design: municipalities and the changed dates
        for s in data["strategies"]:
            for m in s["measures"]:
                for p in m["projects"]:
                    p["municipalities"] = []
                    for r in p["rows"]:
                        r["municipalities"] = []
                        for a in r["activities"]:
                            a["text"] = a["text"].replace("(４/２６〜５/６)", "(4/26～5/6)")
                            a["events"] = [e for e in a["events"] if e["start"] != "2020-04-26"]
    assert got == expected


def test_texts_with_tabs_and_backslashes_are_stored_as_the_file_has_them(db, tmp_path):
    """The bulk writes (COPY on PostgreSQL) keep a tab, a backslash and what reads as an
    escape (\\N, \\t, \\.) in a name, a summary, a line and a detail line."""
    name = "事業\tC:\\共有\\N"
    summary = "概要 \\. と \\t"
    line, detail = "●見学会\tの開催 \\N【新規】", "・会場\\は\t市民館"
    rows = [
        Row("1 圏域全体の経済成長のけん引", "ア 経済戦略", 1, name, summary, f"{line}\n{detail}")
    ]
    import_overview(read_workbook(build(tmp_path / "escapes.xlsx", Sheet(rows))))
    project = Project.objects.get()
    activity = Activity.objects.get()
    assert (project.name, project.rows.get().summary) == (name, summary)
    assert (activity.status, activity.text) == ("done", line.removeprefix("●"))
    assert (activity.details, activity.tags) == ([detail], "新規")
    assert "市民館" in project.search_text and "\t" not in activity.tags
