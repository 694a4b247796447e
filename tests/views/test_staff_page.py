"""The staff page 「実績の更新」: listing, saving per activity, history, conflicts, add/remove."""

import io
import re

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from projects.models import Activity, Change
from projects.permissions import activities_editable_by
from projects.services.imports import read_workbook
from tests.support.staff import activity_of, add_users, client_for


@pytest.fixture
def users(demo_users):
    return add_users(dict(demo_users))


def form_data(activity, **changes):
    values = {
        "status": activity.status,
        "text": activity.text,
        "details": "\n".join(activity.details),
        "version": activity.version,
        **changes,
    }
    return {f"a{activity.pk}-{k}": v for k, v in values.items()}


def project_headings(html: str) -> list[str]:
    return re.findall(r"<h3>(.*?)</h3>", html)


def test_staff_see_their_municipalitys_projects_grouped_by_strategy(users, r2):
    response = client_for(users["ube"]).get("/staff/")
    html = response.content.decode()
    assert response.status_code == 200
    headings = project_headings(html)
    assert "28 次世代の人材育成" in headings
    assert "25 環境保全の推進" in headings
    assert "7 広域観光連携" not in headings  # 山口市・萩市・防府市
    strategies = re.findall(r"<h2>(.*?)</h2>", html)
    assert strategies == [
        "1 圏域全体の経済成長のけん引",
        "2 高次の都市機能の集積・強化",
        "3 圏域全体の生活関連機能サービスの向上",
    ]
    assert "宇部市が関係する事業の実績項目です。" in html
    for label in ("● 実施済み", "○ 実施中", "△ 実施予定", "■ 中止"):
        assert label in html
    activity = activity_of(r2, 28)
    assert f'id="activity-{activity.pk}"' in html
    assert f'action="/staff/activities/{activity.pk}/#activity-{activity.pk}"' in html


def test_saving_returns_to_the_activity_and_shows_it_in_the_history(users, r2):
    client = client_for(users["ube"])
    activity = activity_of(r2, 28)
    response = client.post(f"/staff/activities/{activity.pk}/", form_data(activity, status="done"))
    assert response.status_code == 302
    assert response["Location"] == f"/staff/?saved={activity.pk}#activity-{activity.pk}"
    activity.refresh_from_db()
    assert (activity.status, activity.version) == ("done", 2)
    html = client.get(response["Location"]).content.decode()
    block = html.split(f'id="activity-{activity.pk}"')[1].split("</article>")[0]
    assert "保存しました。" in block
    assert "ube (宇部市 担当) (画面) 状況: ○ 実施中 → ● 実施済み" in block


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"text": "●連携事業の実施"},
            "内容の先頭に記号 (● ○ △ ■) は書かず、「状況」で選んでください。",
        ),
        (
            {"text": "一行目\r\n二行目"},
            "内容は 1 行で入力してください (補足は「詳細行」に書きます)。",
        ),
        (
            {"text": "◎連携事業"},
            "内容の先頭の「◎」は凡例にない記号です。記号は「状況」で選んでください。",
        ),
        (
            {"details": "・一つ目\r\n二つ目"},
            "詳細行は「・」で始めてください (2 行目: 「二つ目」)。",
        ),
        ({"status": ""}, "状況を選んでください。"),
        ({"status": "finished"}, "正しく選択してください。 finished は候補にありません。"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_changes_nothing(users, r2, changes, message):
    activity = activity_of(r2, 28)
    response = client_for(users["ube"]).post(
        f"/staff/activities/{activity.pk}/", form_data(activity, **changes)
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Activity.objects.get(pk=activity.pk).version == 1
    assert not Change.objects.exclude(project=None).exists()  # (year switches have no project)


def test_the_later_save_is_refused_showing_what_the_other_person_changed(users, r2):
    activity = activity_of(r2, 28)
    first, second = client_for(users["ube"]), client_for(users["jimukyoku"])
    stale = form_data(activity, status="cancelled")  # both rendered at version 1
    first.post(f"/staff/activities/{activity.pk}/", form_data(activity, status="done"))
    response = second.post(f"/staff/activities/{activity.pk}/", stale)
    html = response.content.decode()
    assert response.status_code == 409
    assert "この実績項目は、画面を開いた後に他の人が更新しました: ube (宇部市 担当) さんが " in html
    assert "に画面で変更 (状況: ○ 実施中 → ● 実施済み)" in html
    assert "あなたの変更は保存していません。" in html
    activity.refresh_from_db()
    assert (activity.status, activity.version) == ("done", 2)
    # what they typed is kept, now against the current version: saving again is deliberate
    assert f'name="a{activity.pk}-version" value="2"' in html
    assert re.search(rf'name="a{activity.pk}-status" value="cancelled"[^>]*checked', html)
    again = second.post(
        f"/staff/activities/{activity.pk}/", form_data(activity, status="cancelled")
    )
    assert again.status_code == 302
    assert Activity.objects.get(pk=activity.pk).status == "cancelled"


def test_add_and_remove_an_activity(users, r2):
    client = client_for(users["ube"])
    row = activity_of(r2, 28).row
    response = client.post(
        f"/staff/rows/{row.pk}/activities/",
        {
            f"r{row.pk}-status": "planned",
            f"r{row.pk}-text": "成果報告会の開催(3月頃)【新規】",
            f"r{row.pk}-details": "・オンライン併用",
        },
    )
    added = Activity.objects.get(text="成果報告会の開催(3月頃)【新規】")
    assert response["Location"] == f"/staff/?saved={added.pk}#activity-{added.pk}"
    assert (added.row, added.status, added.tags, added.details) == (
        row,
        "planned",
        "新規",
        ["・オンライン併用"],
    )
    confirm = client.get(f"/staff/activities/{added.pk}/delete/")
    assert "成果報告会の開催(3月頃)【新規】" in confirm.content.decode()
    response = client.post(f"/staff/activities/{added.pk}/delete/", {"version": "1"})
    assert response["Location"] == f"/staff/?deleted=1#row-{row.pk}"
    assert not Activity.objects.filter(pk=added.pk).exists()
    assert [c.field for c in Change.objects.exclude(project=None).order_by("changed_at")] == [
        "created",
        "deleted",
    ]


def test_adding_needs_a_status_and_a_text(users, r2):
    row = activity_of(r2, 28).row
    response = client_for(users["ube"]).post(f"/staff/rows/{row.pk}/activities/", {})
    html = response.content.decode()
    assert response.status_code == 400
    assert "状況を選んでください。" in html
    assert "このフィールドは必須です。" in html
    assert '<details class="add" open>' in html


def test_deleting_with_a_stale_version_is_refused(users, r2):
    activity = activity_of(r2, 28)
    client_for(users["jimukyoku"]).post(
        f"/staff/activities/{activity.pk}/", form_data(activity, status="done")
    )
    response = client_for(users["ube"]).post(
        f"/staff/activities/{activity.pk}/delete/", {"version": "1"}
    )
    assert response.status_code == 409
    assert "jimukyoku (事務局) さんが" in response.content.decode()
    assert Activity.objects.filter(pk=activity.pk).exists()


def test_secretariat_sees_every_municipality_and_can_filter(users, r2):
    client = client_for(users["jimukyoku"])
    everything = project_headings(client.get("/staff/").content.decode())
    assert "7 広域観光連携" in everything and "28 次世代の人材育成" in everything
    html = client.get("/staff/?municipality=hagi").content.decode()
    assert "萩市が関係する事業の実績項目です。" in html
    headings = project_headings(html)
    assert "7 広域観光連携" in headings and "28 次世代の人材育成" not in headings
    activity = activity_of(r2, 7)
    assert (
        f'action="/staff/activities/{activity.pk}/?municipality=hagi#activity-{activity.pk}"'
        in html
    )


def test_staff_cannot_widen_their_scope_with_the_filter(users, r2):
    html = client_for(users["hagi"]).get("/staff/?municipality=ube").content.decode()
    assert "萩市が関係する事業の実績項目です。" in html
    assert "28 次世代の人材育成" not in project_headings(html)


def test_the_page_reads_with_a_fixed_number_of_queries(users, r2):
    """Every municipality's page, and the secretariat's page of all seven, cost the same."""
    counts = {}
    for name in ("ube", "mine", "jimukyoku"):
        client = client_for(users[name])
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/staff/").status_code == 200
        counts[name] = len(queries)
    assert len(set(counts.values())) == 1, counts


def test_history_page_lists_the_municipalitys_changes(users, r2):
    activity = activity_of(r2, 28)
    client_for(users["ube"]).post(
        f"/staff/activities/{activity.pk}/", form_data(activity, status="done")
    )
    html = client_for(users["ube"]).get("/staff/history/").content.decode()
    assert (
        "ube (宇部市 担当) (画面) 事業「28 次世代の人材育成」「連携中枢都市人材育成事業費補助金の募集【再掲】」 状況: ○ 実施中 → ● 実施済み"
        in html
    )
    other = client_for(users["hagi"]).get("/staff/history/").content.decode()
    assert "次世代の人材育成" not in other
    assert "変更はまだありません。" in other


def test_municipality_workbook_and_flat_exports(users, r2):
    client = client_for(users["ube"])
    response = client.get("/staff/export/overview.xlsx")
    assert response["Content-Disposition"] == 'attachment; filename="renkei-overview-2020-ube.xlsx"'
    overview = read_workbook(io.BytesIO(response.content))
    labels = [p.label for p in overview.projects()]
    assert "28 次世代の人材育成" in labels and "7 広域観光連携" not in labels
    csv = client.get("/staff/export/activities.csv")
    assert csv["Content-Type"] == "text/csv; charset=utf-8"
    text = csv.content.decode("utf-8-sig")
    assert (
        text.splitlines()[0]
        == "年度,取組,施策,事業番号,事業名,関係市町,行,状況,記号,内容,詳細,タグ,版,更新日時"
    )
    assert "宇部市志立市民大学授業料の市外枠の廃止" in text
    assert "広域観光連携" not in text
    xlsx = client.get("/staff/export/activities.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet["J1"].value == "内容"
    assert (
        len(list(sheet.iter_rows()))
        == 1 + activities_editable_by(users["ube"], Activity.objects.all()).count()
    )


def test_anonymous_users_are_sent_to_the_login_page(r2):
    response = client_for(None).get("/staff/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/staff/"


@pytest.mark.parametrize("name", ["citizen", "unassigned"])
def test_users_without_a_role_are_told_why(users, name):
    response = client_for(users[name]).get("/staff/")
    assert response.status_code == 403
    assert (
        "実績を更新できるのは、担当の市町が設定された職員と事務局だけです。"
        in response.content.decode()
    )


def test_unknown_export_formats_are_not_found(users, r2):
    client = client_for(users["ube"])
    assert client.get("/staff/export/activities.pdf").status_code == 404
    assert client.get("/staff/export/overview.csv").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["²", "１２", "٣"])
def test_staff_page_ignores_a_saved_value_that_is_not_ascii_digits(demo_users, value):
    hagi = client_for(demo_users["hagi"], raise_request_exception=True)
    response = hagi.get("/staff/", {"saved": value})
    assert response.status_code == 200
    assert "保存しました" not in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["²", "１２", "٣"])
def test_delete_with_a_garbled_version_is_a_conflict_not_an_error(demo_users, r2, value):
    hagi = client_for(demo_users["hagi"], raise_request_exception=True)
    activity = Activity.objects.filter(
        row__project__fiscal_year=r2, row__project__municipalities__slug="hagi"
    ).first()
    response = hagi.post(f"/staff/activities/{activity.pk}/delete/", {"version": value})
    assert response.status_code == 409
    assert Activity.objects.filter(pk=activity.pk).exists()
