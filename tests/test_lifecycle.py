"""Identity across years: importing the next year's table links it to the year before."""

import copy
from types import SimpleNamespace

import openpyxl
import pytest
from django.core.management import call_command

from projects.lifecycle import link_to_previous_year, match_activities, match_projects
from projects.models import Activity, FiscalYear, Project
from projects.services import import_overview
from projects.spreadsheets import read_overview
from projects.year_text import activity_key, carry_over_details, carry_over_text, strip_dates

R3_LINES = [
    "前年度 (令和2年度) の事業との対応: 対応 28、番号変更 2、名称変更 1、新規 1、終了 1",
    "  番号変更: 5 企業連携・企業誘致等の推進 → 8 企業連携・企業誘致等の推進",
    "  番号変更: 博覧会の開催 → 9 博覧会の開催",
    "  名称変更: 2 起業・創業支援 → 2 起業・創業・事業承継支援",
    "  新規 (前年度になし): 31 デジタル人材の育成",
    "  終了 (今年度になし): 3 ビジネスマッチング・連携の支援",
    "実績項目: 前年度の項目と対応 81、前年度に対応のない項目 2",
]


def build_next_year(source, dest):
    """The R2 workbook edited as the secretariat would for 令和3年度: statuses move on, a
    project is dropped (3) and one added (31), one renumbered (5 → 8), one unnumbered project
    gets a number (博覧会の開催 → 9), one renamed (2), activity text reworded; project 22 goes
    from △ to ●."""
    wb = openpyxl.load_workbook(source)
    ws = wb.active
    ws["A1"] = "令和3年度連携事業概要及び実績見込み"
    ws["F4"] = ws["F4"].value.replace(
        "△山口県中央連携都市圏域ビジョン懇談会の開催(3月頃)",
        "●山口県中央連携都市圏域ビジョン懇談会の開催(6/10)",
    )
    for col in "CDEF":
        ws[f"{col}6"] = None
    ws["D5"] = "起業・創業・事業承継支援"
    ws["C8"] = "8"
    ws["C17"] = "9"
    ws["F10"] = (
        ws["F10"]
        .value.replace("△圏域を周遊", "○圏域を周遊")
        .replace("(10/23 SLモニターツアー開催予定)", "(11/5 SLモニターツアー開催)")
        .replace("○地域ガイドのスキルアップ研修", "●地域ガイドのスキルアップ研修会")
        .replace("△ジオパーク資源を活用した連携事業", "△ジオパークを巡る周遊企画")
    )
    ws["F32"] = "●若者の交流の場づくりの検討"
    ws["C47"], ws["D47"] = "31", "デジタル人材の育成"
    ws["E47"], ws["F47"] = (
        "デジタル人材育成講座の開催",
        "△デジタル人材育成講座の開催(10月頃)【新規】",
    )
    wb.save(dest)
    return dest


@pytest.fixture
def r3_path(r2_path, tmp_path):
    return build_next_year(r2_path, tmp_path / "r03.xlsx")


def import_r3(path, **kwargs):
    return import_overview(read_overview(path), **kwargs)


def project(year, number=None, name=None):
    projects = Project.objects.filter(fiscal_year__year=year)
    if number is not None:
        projects = projects.filter(number=number)
    if name is not None:
        projects = projects.filter(name=name)
    return projects.get()


def activity(year, text_start):
    return Activity.objects.for_year(FiscalYear.objects.get(year=year)).get(
        text__startswith=text_start
    )


# ---------------------------------------------------------------------------- text rules


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "山口県中央連携都市圏域ビジョン懇談会の開催(3月頃)",
            "山口県中央連携都市圏域ビジョン懇談会の開催",
        ),
        ("移住イベント(11/29、2/20予定)", "移住イベント"),
        (
            "モニターツアーの実施(10/23 SLモニターツアー開催予定)",
            "モニターツアーの実施(SLモニターツアー開催予定)",
        ),
        ("オープニングセレモニー(10/4)山口宇部空港", "オープニングセレモニー山口宇部空港"),
        (
            "・第1回幹事会(5/22)、第2回幹事会(10/15)、第3回幹事会(1/28)",
            "・第1回幹事会、第2回幹事会、第3回幹事会",
        ),
        ("・第5回(5/14書面会議)、第6回(10/26)、第7回(3月予定)", "・第5回(書面会議)、第6回、第7回"),
        ("・スタンプラリーを実施(11月以降に実施予定)", "・スタンプラリーを実施"),
        (
            "販路拡大事業(圏域内・首都圏)(11/13・14 FOOD STYLE、12/5・6 銀行は中止)",
            "販路拡大事業(圏域内・首都圏)(FOOD STYLE、銀行は中止)",
        ),
        ("情報発信(7/3~3/26予定)【再掲】", "情報発信【再掲】"),
        ("10月23日に開催", "開催"),
        ("事業の実施(圏域内・首都圏)", "事業の実施(圏域内・首都圏)"),
        ("令和3年度供用開始予定", "令和3年度供用開始予定"),
    ],
)
def test_strip_dates_keeps_everything_but_the_dates(text, expected):
    assert strip_dates(text, 2020) == expected


def test_carry_over_drops_new_tag_and_dates_only():
    assert carry_over_text("モデル事業の実施【新規】(3月頃)", 2020) == "モデル事業の実施"
    assert carry_over_text("情報発信【拡充】【再掲】", 2020) == "情報発信【拡充】【再掲】"
    assert carry_over_details(["・(5/22)", "・第1回(6/2)", "・説明"], 2020) == ["・第1回", "・説明"]


def test_activity_key_ignores_tags_dates_width_and_punctuation():
    assert activity_key("ＦＭ山口における情報発信 (7/3~3/26予定)【再掲】", 2020) == activity_key(
        "FM山口における情報発信（8/1～3/20）", 2021
    )
    assert activity_key("プロジェクトチームの設置", 2020) != activity_key("職員研修", 2020)


def test_projects_match_by_name_before_number():
    """Project 7 dropped, the later ones renumbered: 8 becomes 7 and must not take over 7."""
    old = [
        SimpleNamespace(pk=i, number=n, name=s)
        for i, (n, s) in enumerate(
            [(6, "農林"), (7, "観光"), (8, "情報発信"), (None, "博覧会"), (19, "")], start=1
        )
    ]
    new = [
        SimpleNamespace(pk=i, number=n, name=s)
        for i, (n, s) in enumerate(
            [(6, "農林水産"), (7, "情報発信"), (None, "博覧会"), (19, "")], start=11
        )
    ]
    links = match_projects(new, old)
    assert {pk: o.pk for pk, o in links.items()} == {11: 1, 12: 3, 13: 4, 14: 5}


def test_activities_match_exactly_then_closely():
    links = match_activities(
        [
            (1, "職員研修"),
            (2, "職員研修"),
            (3, "地域ガイドのスキルアップ研修会"),
            (4, "新しい事業"),
        ],
        [
            (10, "職員研修"),
            (11, "地域ガイドのスキルアップ研修"),
            (12, "職員研修"),
            (13, "別の事業"),
        ],
    )
    assert links == {1: 10, 2: 12, 3: 11}


# ---------------------------------------------------------------------------- import


def test_next_year_import_reports_links(r2, r3_path):
    result = import_r3(r3_path)

    assert result.fiscal_year == 2021
    assert result.previous_year == 2020
    assert result.link_lines == R3_LINES
    assert result.renumbered == [
        ("5 企業連携・企業誘致等の推進", "8 企業連携・企業誘致等の推進"),
        ("博覧会の開催", "9 博覧会の開催"),
    ]
    assert result.renamed == [("2 起業・創業支援", "2 起業・創業・事業承継支援")]
    assert result.added_vs_previous == ["31 デジタル人材の育成"]
    assert result.dropped_vs_previous == ["3 ビジネスマッチング・連携の支援"]
    assert len(result.links) == 28
    assert result.activity_links == 81


def test_next_year_import_links_every_project(r2, r3_path):
    import_r3(r3_path)

    pairs = {
        (p.previous.number if p.previous else "-", p.previous.name if p.previous else "-"): (
            p.number,
            p.name,
        )
        for p in Project.objects.filter(fiscal_year__year=2021).select_related("previous")
    }
    assert pairs.pop(("-", "-")) == (31, "デジタル人材の育成")
    assert pairs.pop((2, "起業・創業支援")) == (2, "起業・創業・事業承継支援")
    assert pairs.pop((5, "企業連携・企業誘致等の推進")) == (8, "企業連携・企業誘致等の推進")
    assert pairs.pop((None, "博覧会の開催")) == (9, "博覧会の開催")
    # Everything else: same number and name, including 「圏域情報の発信」 both as project 12
    # and as an unnumbered project, and the number-only rows 19, 21, 23.
    assert all(old == new for old, new in pairs.items())
    assert len(pairs) == 25
    assert (12, "圏域情報の発信") in pairs and (None, "圏域情報の発信") in pairs
    assert (19, "") in pairs
    assert not Project.objects.filter(fiscal_year__year=2020, number=3).get().successors.exists()


def test_next_year_import_links_activities(r2, r3_path):
    import_r3(r3_path)

    done = activity(2021, "山口県中央連携都市圏域ビジョン懇談会")
    assert (done.status, done.previous.status) == ("done", "planned")
    assert done.previous.text == "山口県中央連携都市圏域ビジョン懇談会の開催(3月頃)"
    tour = activity(2021, "圏域を周遊する")
    assert tour.previous.text.endswith("(10/23 SLモニターツアー開催予定)")
    reworded = activity(2021, "地域ガイドのスキルアップ研修会")
    assert reworded.previous.text == "地域ガイドのスキルアップ研修"
    assert activity(2021, "ジオパークを巡る").previous is None
    assert activity(2021, "デジタル人材育成講座").previous is None
    # Two cancelled 「職員研修」 lines of project 30, kept apart by order.
    training = list(
        Activity.objects.for_year(FiscalYear.objects.get(year=2021))
        .filter(text="職員研修")
        .order_by("row__order", "order")
    )
    assert [a.previous.details[0] for a in training] == [
        "・圏域職員合同政策形成研修",
        "・ドクターカーによる救急救命士研修",
    ]


def test_relinked_activities_stay_within_their_project(r2, r3_path):
    """「プロジェクトチームによる検討会議」 appears in three projects; each links to its own."""
    import_r3(r3_path)
    meetings = (
        Activity.objects.for_year(FiscalYear.objects.get(year=2021))
        .filter(text__startswith="プロジェクトチームによる検討会議")
        .select_related("row__project", "previous__row__project")
    )
    assert meetings.count() == 3
    for a in meetings:
        assert a.previous.row.project == a.row.project.previous


def test_dry_run_reports_links_but_writes_nothing(r2, r3_path):
    result = import_r3(r3_path, dry_run=True)
    assert result.link_lines == R3_LINES
    assert not FiscalYear.objects.filter(year=2021).exists()


def test_reimport_is_stable_and_first_year_has_no_report(r2, r3_path, r2_path):
    import_r3(r3_path)
    again = import_r3(r3_path)
    assert again.link_lines == R3_LINES
    r2_again = import_overview(read_overview(r2_path))
    assert r2_again.previous_year is None and r2_again.link_lines == []
    # Re-importing R2 relinks R3 to it: the links survive.
    assert project(2021, 8).previous == project(2020, 5)
    assert Project.objects.filter(fiscal_year__year=2021, previous__isnull=True).count() == 1


def test_import_command_prints_the_link_report(r2, r3_path, capsys):
    call_command("import_overview", str(r3_path))
    out = capsys.readouterr().out.splitlines()
    assert out[-len(R3_LINES) :] == R3_LINES
    call_command("import_overview", str(r3_path), "--dry-run")
    out = capsys.readouterr().out.splitlines()
    assert out[-1] == "[確認のみ・書き込みなし] " + R3_LINES[-1]


# ---------------------------------------------------------------------------- query count


def tripled(overview, year):
    """The table with every project three times (numbers +100, +200; names marked)."""
    big = copy.deepcopy(overview)
    big.fiscal_year = year
    for measure in big.measures():
        extra = []
        for k in (1, 2):
            for p in measure.projects:
                q = copy.deepcopy(p)
                q.number = None if p.number is None else p.number + 100 * k
                q.name = f"{p.name}（{k}）"
                extra.append(q)
        measure.projects += extra
    return big


def test_linking_query_count_is_flat(r2, r3_path, r2_path, django_assert_num_queries):
    import_r3(r3_path)
    r2_overview = read_overview(r2_path)
    import_overview(tripled(r2_overview, 2022))
    import_overview(tripled(read_overview(r3_path), 2023))
    assert Project.objects.filter(fiscal_year__year=2023).count() == 87

    r3, big_r3 = FiscalYear.objects.get(year=2021), FiscalYear.objects.get(year=2023)
    with django_assert_num_queries(7):
        small = link_to_previous_year(fiscal_year=r3)
    with django_assert_num_queries(7):
        big = link_to_previous_year(fiscal_year=big_r3)
    assert small.lines() == R3_LINES
    assert len(big.links) == 3 * 28 and big.activity_links == 3 * 81
