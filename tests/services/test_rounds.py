"""The reporting round: opening, answering, handing in, closing with a snapshot, reopening;
closed and locked years refuse the staff's writes on every path."""

import io

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied

from projects.models import Change, Round, RoundAnswer
from projects.reports.rounds import progress
from projects.reports.tables import overview_from_db
from projects.services import editing, rounds, years
from projects.services.imports import ImportRefused, import_overview, read_workbook
from projects.table import formats
from tests.support.rounds import open_r2_round
from tests.support.staff import activity_of, with_status, workbook_with


@pytest.fixture
def users(demo_users):
    return demo_users


@pytest.fixture
def round_(r2, users):
    return open_r2_round(r2, users["jimukyoku"])


def change_status(user, activity, status):
    return editing.update_activity(
        user=user,
        activity=activity,
        status=status,
        text=activity.text,
        details=activity.details,
        expected_version=activity.version,
    )


def test_opening_asks_every_member_and_is_recorded(round_, r2, users):
    assert [t.municipality.slug for t in round_.towns.all()] == [
        "yamaguchi",
        "ube",
        "hagi",
        "hofu",
        "mine",
        "sanyo-onoda",
        "tsuwano",
    ]
    opened = Change.objects.get(field="round_opened")
    assert (opened.fiscal_year, opened.user, opened.new_value) == (
        r2,
        users["jimukyoku"],
        "令和2年度実績見込み照会",
    )
    with pytest.raises(rounds.RoundRefused) as refused:
        open_r2_round(r2, users["jimukyoku"])
    assert str(refused.value) == (
        "令和2年度には受付中の照会「令和2年度実績見込み照会」があります。"
        "締め切ってから新しい照会を始めてください。"
    )
    with pytest.raises(rounds.RoundRefused, match="照会を開始・督促・締切・再開できるのは事務局"):
        open_r2_round(r2, users["ube"])


def test_progress_counts_changes_and_unchanged_per_town(round_, r2, users):
    state = progress(round_)
    ube = state.town(users["ube"].staff_profile.municipality)
    assert (len(ube.asked), ube.state_label) == (70, "未回答")
    change_status(users["ube"], activity_of(r2, 28), "done")
    project = activity_of(r2, 24).row.project  # 災害対策: three activities
    ids = [a.pk for row in project.rows.all() for a in row.activities.all()]
    n = rounds.confirm_unchanged(user=users["ube"], round_=round_, activity_ids=ids, way="project")
    assert n == len(ids) == 3
    ube = progress(round_).town(users["ube"].staff_profile.municipality)
    assert ube.figures() == "70 項目中 4 項目に回答 (変更 1、変更なし 3)"
    assert ube.state_label == "回答中"
    # The secretariat's own edits are nobody's answer; hagi's answers are hagi's.
    change_status(users["jimukyoku"], activity_of(r2, 27), "done")
    hagi = progress(round_).town(users["hagi"].staff_profile.municipality)
    assert hagi.figures() == "69 項目中 0 項目に回答 (変更 0、変更なし 0)"


def test_handing_in_answers_the_rest_as_unchanged(round_, r2, users):
    change_status(users["ube"], activity_of(r2, 28), "done")
    assert rounds.submit(user=users["ube"], round_=round_) == 69
    state = progress(round_)
    ube = state.town(users["ube"].staff_profile.municipality)
    assert (ube.state_label, ube.figures()) == (
        "回答済み",
        "70 項目中 70 項目に回答 (変更 1、変更なし 69)",
    )
    assert state.summary() == "回答済み 1 / 7 市町"
    assert [t.municipality.name for t in state.still_open] == [
        "山口市",
        "萩市",
        "防府市",
        "美祢市",
        "山陽小野田市",
        "津和野町",
    ]
    assert RoundAnswer.objects.filter(way="submit").count() == 69


def test_a_town_cannot_answer_for_activities_it_was_not_asked(round_, r2, users):
    not_hagis = activity_of(r2, 28)  # 宇部市 only
    with pytest.raises(rounds.RoundRefused, match="尋ねていない実績項目です"):
        rounds.confirm_unchanged(
            user=users["hagi"], round_=round_, activity_ids=[not_hagis.pk], way="activity"
        )


def test_closing_freezes_the_table_and_refuses_staff_writes(round_, r2, users, pdf_renderer):
    change_status(users["ube"], activity_of(r2, 28), "done")
    snapshot = rounds.close_round(user=users["jimukyoku"], round_=round_)
    round_.refresh_from_db()
    assert (round_.status, round_.closed_by) == ("closed", users["jimukyoku"])
    saved = openpyxl.load_workbook(io.BytesIO(bytes(snapshot.xlsx))).active
    now = openpyxl.load_workbook(io.BytesIO(formats.render(overview_from_db(r2), "xlsx"))).active
    assert [[c.value for c in row] for row in saved.iter_rows()] == [
        [c.value for c in row] for row in now.iter_rows()
    ]
    assert bytes(snapshot.pdf).startswith(b"%PDF-")  # the meeting handout as it stood
    message = (
        "令和2年度は照会「令和2年度実績見込み照会」を締め切ったため、変更できません。"
        "変更が必要なときは事務局に連絡してください (事務局が照会を再開すると変更できます)。"
    )
    activity = activity_of(r2, 28)
    with pytest.raises(PermissionDenied) as refused:
        change_status(users["ube"], activity, "cancelled")
    assert str(refused.value) == message
    with pytest.raises(PermissionDenied):
        editing.add_activity(
            user=users["ube"], row=activity.row, status="planned", text="追加", details=[]
        )
    with pytest.raises(PermissionDenied):
        editing.remove_activity(user=users["ube"], activity=activity)
    change_status(users["jimukyoku"], activity, "in_progress")  # the secretariat still may
    with pytest.raises(rounds.RoundRefused, match="締め切りました"):
        rounds.submit(user=users["hagi"], round_=round_)

    rounds.reopen_round(user=users["jimukyoku"], round_=round_)
    change_status(users["ube"], activity_of(r2, 28), "done")
    assert [c.field for c in Change.objects.filter(field__startswith="round_")] == [
        "round_reopened",
        "round_closed",
        "round_opened",
    ]


def test_a_staff_upload_into_a_closed_or_locked_year_is_refused(round_, r2, r2_path, users):
    rounds.close_round(user=users["jimukyoku"], round_=round_)
    years.lock(fiscal_year=r2, user=users["jimukyoku"])
    content = workbook_with(r2_path, with_status(activity_of(r2, 28), "●"))
    source = io.BytesIO(content)
    source.name = "r02.xlsx"
    overview = read_workbook(source)
    with pytest.raises(ImportRefused) as refused:
        import_overview(overview, user=users["ube"])
    assert [str(e) for e in refused.value.result.errors] == [
        "シート「資料1-2」: 令和2年度の資料は確定しているため、変更できません。"
        "変更が必要なときは事務局に連絡してください (事務局が確定を解除すると変更できます)。"
    ]
    result = import_overview(overview, user=users["jimukyoku"])  # the secretariat may
    assert result.summary_lines() == ["更新: 実績項目 1"]


def test_locking_waits_for_the_open_round_and_is_recorded(round_, r2, users):
    with pytest.raises(years.LifecycleRefused) as refused:
        years.lock(fiscal_year=r2, user=users["jimukyoku"])
    assert str(refused.value) == (
        "令和2年度の照会「令和2年度実績見込み照会」が受付中です。照会を締め切ってから確定してください。"
    )
    rounds.close_round(user=users["jimukyoku"], round_=round_)
    assert years.lock(fiscal_year=r2, user=users["jimukyoku"]).done
    with pytest.raises(rounds.RoundRefused, match="確定を解除してから再開してください"):
        rounds.reopen_round(user=users["jimukyoku"], round_=round_)
    assert years.unlock(fiscal_year=r2, user=users["jimukyoku"]).done
    assert list(Change.objects.filter(field="locked").values_list("new_value", flat=True)) == [
        "false",
        "true",
    ]
    assert Round.objects.count() == 1
