"""Identity across years: importing the next year's table links it to the year before."""

import copy

import pytest
from django.core.management import call_command

from projects.models import Activity, FiscalYear, Project
from projects.services.imports import import_overview, read_workbook
from projects.services.linking import link_to_previous_year
from tests.support.next_year import R3_LINES, build_next_year


@pytest.fixture
def r3_path(r2_path, tmp_path):
    return build_next_year(r2_path, tmp_path / "r03.xlsx")


def import_r3(path, **kwargs):
    return import_overview(read_workbook(path), **kwargs)


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
    r2_again = import_overview(read_workbook(r2_path))
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
    r2_overview = read_workbook(r2_path)
    import_overview(tripled(r2_overview, 2022))
    import_overview(tripled(read_workbook(r3_path), 2023))
    assert Project.objects.filter(fiscal_year__year=2023).count() == 87

    r3, big_r3 = FiscalYear.objects.get(year=2021), FiscalYear.objects.get(year=2023)
    with django_assert_num_queries(5):
        small = link_to_previous_year(fiscal_year=r3)
    with django_assert_num_queries(5):
        big = link_to_previous_year(fiscal_year=big_r3)
    assert small.lines() == R3_LINES
    assert len(big.links) == 3 * 28 and big.activity_links == 3 * 81
