"""Looking back: a project's status across published years, and two years side by side."""

import pytest
from django.template.loader import render_to_string

from projects.models import Project
from projects.reports.years import (
    compare_years,
    comparison_csv_rows,
    overall_status,
    project_history,
)
from projects.services.imports import import_overview, read_workbook
from projects.services.years import publish
from tests.support.html import page_text
from tests.support.next_year import build_next_year


@pytest.fixture
def r3(r2_published, r2_path, tmp_path):
    import_overview(read_workbook(build_next_year(r2_path, tmp_path / "r03.xlsx")))
    from projects.models import FiscalYear

    return FiscalYear.objects.get(year=2021)


def p(year, number=None, name=None):
    filters = {"fiscal_year__year": year, "number": number}
    if name is not None:
        filters["name"] = name
    return Project.objects.get(**filters)


def summary(history):
    return [(e.fiscal_year.label, e.glyph, e.status_label, e.label, e.is_self) for e in history]


def test_overall_status_of_a_project_year():
    assert overall_status({"done": 2, "in_progress": 1}) == "in_progress"
    assert overall_status({"done": 2, "planned": 1, "cancelled": 1}) == "planned"
    assert overall_status({"done": 1, "cancelled": 3}) == "done"
    assert overall_status({"cancelled": 3}) == "cancelled"
    assert overall_status({}) is None


def test_history_lists_published_years_only(r3):
    """R3 is a draft: R2's page does not show it; R3's own (staff) view still shows itself."""
    young = p(2021, 22)
    assert summary(project_history(p(2020, 22))) == [
        ("令和2年度", "△", "実施予定", "22 若者の交流の場づくり", True)
    ]
    assert summary(project_history(young)) == [
        ("令和2年度", "△", "実施予定", "22 若者の交流の場づくり", False),
        ("令和3年度", "●", "実施済み", "22 若者の交流の場づくり", True),
    ]
    assert summary(project_history(young, published_only=False)) == summary(project_history(young))
    publish(fiscal_year=r3)
    assert summary(project_history(p(2020, 22))) == [
        ("令和2年度", "△", "実施予定", "22 若者の交流の場づくり", True),
        ("令和3年度", "●", "実施済み", "22 若者の交流の場づくり", False),
    ]


def test_history_follows_renumbered_projects(r3, django_assert_num_queries):
    publish(fiscal_year=r3)
    project = p(2021, 8)
    with django_assert_num_queries(3):
        history = project_history(project)
    assert summary(history) == [
        ("令和2年度", "△", "実施予定", "5 企業連携・企業誘致等の推進", False),
        ("令和3年度", "△", "実施予定", "8 企業連携・企業誘致等の推進", True),
    ]
    assert [e.breakdown() for e in project_history(p(2021, 1))] == [
        [("○", "実施中", 1), ("△", "実施予定", 2)],
        [("●", "実施済み", 1), ("○", "実施中", 1), ("△", "実施予定", 1)],
    ]


def test_history_include_links_the_other_years(r3):
    publish(fiscal_year=r3)
    young = p(2021, 22)
    html = render_to_string("projects/years/_project_years.html", {"project": young})
    assert "年度ごとの状況" in html
    assert f'<a href="/projects/{p(2020, 22).pk}/"><span lang="ja">令和2年度</span></a>' in html
    assert '<strong aria-current="page"><span lang="ja">令和3年度</span></strong>' in html
    assert "△ 実施予定" in page_text(html) and "● 実施済み" in page_text(html)
    assert (
        '<a href="/years/compare/?a=2020&amp;b=2021"><span lang="ja">令和2年度</span>と'
        '<span lang="ja">令和3年度</span>の全事業を比べる</a>'
    ) in html
    assert "「" not in html  # same number and name in both years
    moved = render_to_string("projects/years/_project_years.html", {"project": p(2021, 8)})
    assert '<span class="former" lang="ja">「5 企業連携・企業誘致等の推進」</span>' in moved
    assert moved.count('class="former"') == 1
    first = render_to_string("projects/years/_project_years.html", {"project": p(2021, 1)})
    assert "実績項目の前年度からの状況 (3 件)" in first
    assert (
        "△ 実施予定 ( 令和2年度 ) → ● 実施済み 山口県中央連携都市圏域ビジョン懇談会の開催(6/10)"
    ) in page_text(first)
    assert first.count('<span class="status status-') == 2 + 2 * 3  # the years and the items
    alone = render_to_string("projects/years/_project_years.html", {"project": p(2021, 31)})
    assert alone.strip() == ""


def test_compare_two_years(r3):
    comparison = compare_years(r3, p(2020, 1).fiscal_year)  # either order
    assert (comparison.year_a.year, comparison.year_b.year) == (2020, 2021)
    assert [r.b.label for r in comparison.added] == ["31 デジタル人材の育成"]
    assert [r.a.label for r in comparison.dropped] == ["3 ビジネスマッチング・連携の支援"]
    assert [(r.kind_label, r.a.label, r.b.label) for r in comparison.renamed] == [
        ("名称変更", "2 起業・創業支援", "2 起業・創業・事業承継支援"),
        ("番号変更", "5 企業連携・企業誘致等の推進", "8 企業連携・企業誘致等の推進"),
        ("番号変更", "博覧会の開催", "9 博覧会の開催"),
    ]
    # A 【再掲】 line whose first listing is not found counts as itself (three in each year).
    assert comparison.distribution() == [
        ("done", "●", "実施済み", 4, 7),
        ("in_progress", "○", "実施中", 56, 52),
        ("planned", "△", "実施予定", 18, 14),
        ("cancelled", "■", "コロナの影響による中止", 7, 6),
    ]
    assert len(comparison.rows) == 30


def test_comparison_csv(r3):
    rows = list(comparison_csv_rows(compare_years(p(2020, 1).fiscal_year, r3)))
    assert rows[0] == [
        "区分",
        "令和2年度 番号",
        "令和2年度 事業名",
        "令和2年度 状況",
        "令和2年度 ● 実施済み",
        "令和2年度 ○ 実施中",
        "令和2年度 △ 実施予定",
        "令和2年度 ■ 中止",
        "令和3年度 番号",
        "令和3年度 事業名",
        "令和3年度 状況",
        "令和3年度 ● 実施済み",
        "令和3年度 ○ 実施中",
        "令和3年度 △ 実施予定",
        "令和3年度 ■ 中止",
    ]
    by_kind = {}
    for row in rows[1:-1]:
        by_kind.setdefault(row[0], []).append(row)
    assert by_kind["名称変更"] == [
        ["名称変更", 2, "起業・創業支援", "○ 実施中", 0, 2, 2, 0]
        + [2, "起業・創業・事業承継支援", "○ 実施中", 0, 2, 2, 0]
    ]
    assert by_kind["新規"] == [
        ["新規"] + [""] * 7 + [31, "デジタル人材の育成", "△ 実施予定", 0, 0, 1, 0]
    ]
    assert by_kind["終了"][0][:4] == ["終了", 3, "ビジネスマッチング・連携の支援", "○ 実施中"]
    assert by_kind["終了"][0][8:] == [""] * 7
    assert rows[-1] == ["合計 (【再掲】は1回)", "", "", "", 4, 56, 18, 7, "", "", "", 7, 52, 14, 6]
