"""Roll-over to the next year's draft, and publishing (recorded as Change rows)."""

import pytest

from projects.models import (
    Activity,
    Change,
    Event,
    FiscalYear,
    Measure,
    Municipality,
    Project,
    StaffProfile,
    Strategy,
)
from projects.services.imports import import_overview, read_workbook
from projects.services.years import (
    LifecycleRefused,
    make_current,
    publish,
    roll_over,
    rollover_candidates,
    unpublish,
)
from tests.support.next_year import R3_LINES, build_next_year


def r2_activity(r2, text_start):
    return Activity.objects.for_year(r2).get(text__startswith=text_start)


def r3_activity(text_start):
    return Activity.objects.for_year(FiscalYear.objects.get(year=2021)).get(
        text__startswith=text_start
    )


@pytest.fixture
def rolled(r2, django_user_model):
    """R2 rolled over, keeping one done and one cancelled activity."""
    user = django_user_model.objects.create_user("jimu")
    StaffProfile.objects.create(user=user, is_secretariat=True)
    project1 = Project.objects.get(fiscal_year=r2, number=1)
    project1.municipalities.set(Municipality.objects.filter(slug__in=["yamaguchi", "ube"]))
    keep = [r2_activity(r2, "中高生を対象とした").pk, r2_activity(r2, "サイクルイベント").pk]
    result = roll_over(source=r2, keep_activity_ids=keep, user=user)
    return result, user


def test_candidates_are_the_done_and_cancelled_activities(r2):
    candidates = list(rollover_candidates(r2))
    assert [(a.glyph, a.text[:11]) for a in candidates] == [
        ("■", "圏域特産品販売イベント"),
        ("●", "中高生を対象とした圏域"),
        ("■", "産業観光推進事業の推進"),
        ("■", "サイクルイベントの開催"),
        ("●", "オープニングセレモニー"),
        ("■", "消防団大学による若手消"),
        ("■", "圏域職員の重機操作合同"),
        ("●", "圏域企業訪問バスツアー"),
        ("●", "宇部市志立市民大学授業"),
        ("■", "職員研修"),
        ("■", "職員研修"),
    ]


def test_roll_over_creates_an_unpublished_draft(rolled, r2):
    result, user = rolled
    r3 = result.fiscal_year
    assert (result.projects, result.activities, result.dropped) == (29, 80, 9)
    assert (r3.year, r3.published, r3.is_current) == (2021, False, False)
    assert r3.title == "令和3年度連携事業概要及び実績見込み"
    assert (r3.document_label, r3.results_header, r3.legend) == (
        r2.document_label,
        r2.results_header,
        r2.legend,
    )
    assert Strategy.objects.filter(fiscal_year=r3).count() == 3
    assert Measure.objects.filter(strategy__fiscal_year=r3).count() == 16
    change = Change.objects.get(fiscal_year=r3, field="rollover")
    assert (change.source, change.field, change.old_value, change.new_value, change.user) == (
        "rollover",
        "rollover",
        "2020",
        "2021",
        user,
    )
    # Every project and activity it was made with is recorded as created, by the roll-over.
    created = Change.objects.filter(fiscal_year=r3).exclude(field="rollover")
    assert set(created.values_list("source", "user")) == {("rollover", user.pk)}
    assert created.filter(field="project_created").count() == 29
    assert created.filter(field="created").count() == 80
    first = created.filter(field="project_created").order_by("project__order").first()
    assert (first.project.number, first.new_value) == (1, "1 山口県中央連携都市圏域ビジョンの推進")


def test_roll_over_links_every_project_with_its_municipalities(rolled, r2):
    r3 = rolled[0].fiscal_year
    projects = Project.objects.filter(fiscal_year=r3).select_related("previous", "measure")
    assert projects.count() == 29
    for p in projects:
        assert p.previous.fiscal_year_id == r2.pk
        assert (p.number, p.name, p.order) == (p.previous.number, p.previous.name, p.previous.order)
        assert p.measure.heading == p.previous.measure.heading
        assert p.measure.strategy.fiscal_year_id == r3.pk
    project1 = projects.get(number=1)
    assert sorted(m.name for m in project1.municipalities.all()) == ["宇部市", "山口市"]
    assert [r.summary for r in project1.rows.all()] == [
        r.summary for r in project1.previous.rows.all()
    ]


def test_roll_over_copies_activities_without_new_tags_and_dates(rolled, r2):
    vision = r3_activity("山口県中央連携都市圏域ビジョン懇談会")
    assert (vision.text, vision.status, vision.previous.text) == (
        "山口県中央連携都市圏域ビジョン懇談会の開催",
        "planned",
        "山口県中央連携都市圏域ビジョン懇談会の開催(3月頃)",
    )
    council = r3_activity("山口県中央連携都市圏域推進協議会幹事会")
    assert council.details == ["・第1回幹事会、第2回幹事会、第3回幹事会"]
    new = r3_activity("圏域内企業の課題解決")
    assert new.text == "圏域内企業の課題解決や新事業創出に向けたニーズ調査、モデル事業の実施"
    assert new.tags == "" and new.previous.tags == "新規"
    relisted = Activity.objects.get(
        row__project__fiscal_year__year=2021, row__project__number=28, text__startswith="FM山口"
    )
    assert (relisted.text, relisted.tags) == ("FM山口における情報発信【再掲】", "再掲")
    assert relisted.previous.text == "FM山口における情報発信(7/3~3/26予定)【再掲】"


def test_roll_over_keeps_only_the_chosen_done_and_cancelled(rolled, r2):
    r3 = rolled[0].fiscal_year
    fair = r3_activity("中高生を対象とした")
    assert fair.text == (
        "中高生を対象とした圏域中小企業職業体験イベント「やまぐち未来のごとフェスタ」の実施"
        "(維新百年記念公園アリーナ・レクチャールーム)"
    )
    assert (fair.status, fair.marker, fair.previous.status) == ("planned", "△", "done")
    cycle = r3_activity("サイクルイベントの開催")
    assert (cycle.status, cycle.previous.status) == ("planned", "cancelled")
    texts = set(Activity.objects.for_year(r3).values_list("text", flat=True))
    assert "産業観光推進事業の推進" not in texts
    assert "職員研修" not in texts
    assert r3_activity("MICE誘致用").status is None  # a line without a marker is carried
    assert Activity.objects.for_year(r3).filter(previous__isnull=True).count() == 0
    # No date of R2 becomes an event of R3.
    assert Event.objects.filter(activity__row__project__fiscal_year=r3).count() == 0


def test_roll_over_can_keep_the_status_of_kept_activities(r2):
    bus = r2_activity(r2, "圏域企業訪問バスツアー")
    result = roll_over(source=r2, keep_activity_ids=[bus.pk], reset_kept_status=False)
    assert result.activities == 79 and result.dropped == 10
    kept = r3_activity("圏域企業訪問バスツアー")
    assert (kept.text, kept.status, kept.marker) == ("圏域企業訪問バスツアー", "done", "●")


def test_roll_over_refuses_an_existing_year(rolled, r2):
    with pytest.raises(LifecycleRefused) as error:
        roll_over(source=r2)
    assert str(error.value) == "令和3年度は既にあります。"
    assert FiscalYear.objects.count() == 2


def test_the_real_table_imported_over_the_draft_keeps_the_links(rolled, r2, r2_path, tmp_path):
    path = build_next_year(r2_path, tmp_path / "r03.xlsx")
    result = import_overview(read_workbook(path))
    assert result.link_lines == R3_LINES
    assert Project.objects.get(fiscal_year__year=2021, number=8).previous.number == 5


# ---------------------------------------------------------------------------- publishing


def recorded(fiscal_year):
    return [
        (c.field, c.old_value, c.new_value)
        for c in Change.objects.filter(fiscal_year=fiscal_year, source="portal").order_by("id")
    ]


def test_first_published_year_becomes_current(r2):
    outcome = publish(fiscal_year=r2)
    assert (outcome.done, outcome.current) == (True, r2)
    r2.refresh_from_db()
    assert (r2.published, r2.is_current) == (True, True)
    assert recorded(r2) == [("published", "false", "true"), ("is_current", "false", "true")]
    assert publish(fiscal_year=r2).done is False
    assert len(recorded(r2)) == 2


def test_publishing_the_next_year_and_making_it_current(r2_published, rolled):
    r3 = rolled[0].fiscal_year
    user = rolled[1]
    with pytest.raises(LifecycleRefused) as error:
        make_current(fiscal_year=r3, user=user)
    assert str(error.value) == (
        "令和3年度は公開していないため、現在の年度にできません。先に公開してください。"
    )
    assert publish(fiscal_year=r3, user=user).current is None  # 令和2年度 stays current
    assert FiscalYear.objects.current() == r2_published
    assert make_current(fiscal_year=r3, user=user).current == r3
    assert FiscalYear.objects.current() == r3
    assert recorded(r3) == [("published", "false", "true"), ("is_current", "false", "true")]
    assert recorded(r2_published) == [("is_current", "true", "false")]
    assert Change.objects.filter(field="is_current", user=user).count() == 2


def test_unpublishing_the_current_year_hands_over(r2_published, rolled):
    r3 = rolled[0].fiscal_year
    publish(fiscal_year=r3)
    make_current(fiscal_year=r3)
    assert unpublish(fiscal_year=r3).current == r2_published
    r3.refresh_from_db()
    assert (r3.published, r3.is_current) == (False, False)
    assert FiscalYear.objects.get(is_current=True) == r2_published
    assert recorded(r3)[-2:] == [("published", "true", "false"), ("is_current", "true", "false")]
    assert unpublish(fiscal_year=r3).done is False
    gone = unpublish(fiscal_year=r2_published)
    assert (gone.done, gone.current, gone.no_current) == (True, None, True)
    assert not FiscalYear.objects.filter(is_current=True).exists()
