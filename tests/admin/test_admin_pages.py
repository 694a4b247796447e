"""The admin: Japanese titles, filters, search, scoping, history, version checks, exports."""

import csv
import io

import openpyxl
import pytest
from django.contrib import admin
from django.core.management import call_command
from django.urls import NoReverseMatch, reverse

from projects.admin.activities import ActivityAdmin
from projects.models import Activity, Change, Project, StaffProfile
from projects.permissions import activities_editable_by
from projects.resources import ActivityResource
from projects.services import editing
from projects.services.imports import read_workbook
from tests.support.staff import activity_of, add_users, client_for, project_form

ACTIVITIES = "/admin/projects/activity/"
EXPORT_FIELDS = [
    "year",
    "strategy",
    "measure",
    "project_number",
    "project_name",
    "municipalities",
    "row",
    "status_label",
    "marker",
    "text",
    "details",
    "tags",
    "version",
    "updated_at",
]


@pytest.fixture
def users(demo_users):
    return add_users(dict(demo_users))


def result_count(response) -> int:
    return response.context["cl"].result_count


def test_the_admin_is_titled_in_japanese(users):
    html = client_for(users["jimukyoku"]).get("/admin/").content.decode()
    assert "連携事業ポータル 管理" in html
    assert "管理メニュー" in html


def test_staff_see_only_what_they_may_work_on(users, r2):
    html = client_for(users["ube"]).get("/admin/").content.decode()
    assert "実績項目" in html and "変更履歴" in html
    assert "担当者" not in html and "ユーザー" not in html
    response = client_for(users["ube"]).get(ACTIVITIES)
    assert (
        result_count(response)
        == activities_editable_by(users["ube"], Activity.objects.all()).count()
    )
    assert result_count(response) < Activity.objects.count()
    for url in ("/admin/projects/staffprofile/", "/admin/auth/user/"):
        assert client_for(users["ube"]).get(url).status_code == 403


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("tag=新規", lambda: Activity.objects.filter(tags__contains="新規")),
        ("tag=再掲", lambda: Activity.objects.filter(tags__contains="再掲")),
        ("status__exact=cancelled", lambda: Activity.objects.filter(status="cancelled")),
        (
            "row__project__municipalities__id__exact={ube}",
            lambda: Activity.objects.filter(row__project__municipalities__slug="ube"),
        ),
        ("q=ジオパーク", lambda: Activity.objects.filter(text__contains="ジオパーク")),
    ],
)
def test_activity_filters_and_search(users, r2, query, expected):
    ube = users["ube"].staff_profile.municipality_id
    response = client_for(users["jimukyoku"]).get(f"{ACTIVITIES}?{query.format(ube=ube)}")
    assert response.status_code == 200
    assert result_count(response) == expected().count() > 0


def test_strategy_and_measure_filters(users, r2):
    project = Project.objects.get(fiscal_year=r2, number=28)
    client = client_for(users["jimukyoku"])
    by_strategy = client.get(f"{ACTIVITIES}?strategy={project.measure.strategy_id}")
    assert (
        result_count(by_strategy)
        == Activity.objects.filter(row__project__measure__strategy=project.measure.strategy).count()
    )
    by_measure = client.get(f"{ACTIVITIES}?measure={project.measure_id}")
    assert (
        result_count(by_measure)
        == Activity.objects.filter(row__project__measure=project.measure).count()
    )
    html = by_strategy.content.decode()
    assert "令和2年度 3 圏域全体の生活関連機能サービスの向上" in html
    assert "【新規】" in html  # the tag filter's choices


def test_every_admin_page_opens_for_the_secretariat(users, r2):
    client = client_for(users["jimukyoku"])
    activity = activity_of(r2, 28)
    project = activity.row.project
    for url in (
        "/admin/projects/fiscalyear/",
        f"/admin/projects/fiscalyear/{r2.pk}/change/",
        "/admin/projects/strategy/",
        f"/admin/projects/strategy/{project.measure.strategy_id}/change/",
        "/admin/projects/measure/",
        "/admin/projects/project/?municipalities__id__exact=1",
        f"/admin/projects/project/{project.pk}/change/",
        f"/admin/projects/projectrow/{activity.row_id}/change/",
        f"{ACTIVITIES}{activity.pk}/change/",
        f"{ACTIVITIES}add/",
        "/admin/projects/change/",
        "/admin/projects/staffprofile/",
        "/admin/auth/user/",
        "/admin/projects/municipality/",
        "/admin/autocomplete/?app_label=projects&model_name=activity&field_name=row&term=次世代",
    ):
        assert client.get(url).status_code == 200, url


def test_an_admin_edit_is_recorded_and_shown(users, r2):
    activity = activity_of(r2, 28)
    client = client_for(users["ube"])
    url = f"{ACTIVITIES}{activity.pk}/change/"
    form = client.get(url).content.decode()
    assert 'name="expected_version" value="1"' in form
    response = client.post(
        url,
        {
            "status": "done",
            "text": activity.text,
            "details": "\n".join(activity.details),
            "expected_version": "1",
        },
    )
    assert response.status_code == 302
    change = Change.objects.get(activity=activity)
    assert (change.source, change.field, change.user) == ("admin", "status", users["ube"])
    assert (
        "ube (宇部市 担当) (管理画面) 状況: ○ 実施中 → ● 実施済み"
        in client.get(url).content.decode()
    )


def test_the_admin_form_refuses_a_stale_version(users, r2):
    activity = activity_of(r2, 28)
    editing.update_activity(
        user=users["jimukyoku"],
        activity=activity,
        status="cancelled",
        text=activity.text,
        details=activity.details,
        expected_version=1,
    )
    response = client_for(users["ube"]).post(
        f"{ACTIVITIES}{activity.pk}/change/",
        {
            "status": "done",
            "text": activity.text,
            "details": "\n".join(activity.details),
            "expected_version": "1",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert (
        "この実績項目は、画面を開いた後に他の人が更新しました: jimukyoku (事務局) さんが " in html
    )
    assert "状況: ○ 実施中 → ■ 中止" in html
    assert Activity.objects.get(pk=activity.pk).status == "cancelled"


def test_changelist_edits_refuse_a_stale_version(users, r2):
    activity = activity_of(r2, 28)
    client = client_for(users["ube"])
    assert 'name="form-0-expected_version" value="1"' in client.get(ACTIVITIES).content.decode()
    editing.update_activity(
        user=users["jimukyoku"],
        activity=activity,
        status="cancelled",
        text=activity.text,
        details=activity.details,
        expected_version=1,
    )
    response = client.post(
        ACTIVITIES,
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-MIN_NUM_FORMS": "0",
            "form-MAX_NUM_FORMS": "1000",
            "form-0-id": activity.pk,
            "form-0-status": "done",
            "form-0-expected_version": "1",
            "_save": "保存",
        },
    )
    assert response.status_code == 200
    assert "jimukyoku (事務局) さんが" in response.content.decode()
    assert Activity.objects.get(pk=activity.pk).status == "cancelled"


def test_bulk_status_action_records_each_change(users, r2):
    selected = [activity_of(r2, 28, i) for i in range(3)]
    response = client_for(users["ube"]).post(
        ACTIVITIES,
        {"action": "mark_planned", "_selected_action": [a.pk for a in selected], "index": "0"},
        follow=True,
    )
    assert "3 件を「△ 実施予定」にしました。" in response.content.decode()
    assert set(
        Activity.objects.filter(pk__in=[a.pk for a in selected]).values_list("status", flat=True)
    ) == {"planned"}
    assert Change.objects.filter(field="status", source="admin").count() == 3


def test_project_edits_are_recorded(users, r2):
    project = Project.objects.get(fiscal_year=r2, number=28)
    row = project.rows.order_by("order").first()
    client = client_for(users["jimukyoku"])
    response = client.post(
        f"/admin/projects/project/{project.pk}/change/",
        {
            "fiscal_year": r2.pk,
            "measure": project.measure_id,
            "number": 28,
            "name": "次世代の人材育成・交流",
            "order": project.order,
            "municipalities": [m.pk for m in project.municipalities.all()]
            + [users["hagi"].staff_profile.municipality_id],
            "rows-TOTAL_FORMS": "1",
            "rows-INITIAL_FORMS": "1",
            "rows-MIN_NUM_FORMS": "0",
            "rows-MAX_NUM_FORMS": "1000",
            "rows-0-id": row.pk,
            "rows-0-project": project.pk,
            "rows-0-order": row.order,
            "rows-0-summary": row.summary + "(改)",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    recorded = {c.field: (c.old_value, c.new_value) for c in Change.objects.filter(project=project)}
    assert recorded == {
        "name": ("次世代の人材育成", "次世代の人材育成・交流"),
        "municipalities": ("宇部市", "宇部市、萩市"),
        "summary": (row.summary, row.summary + "(改)"),
    }
    assert Change.objects.filter(project=project).last_changed_at() is not None


def test_a_row_removed_on_the_project_page_is_recorded(
    users, r2_published, own_cache, django_capture_on_commit_callbacks
):
    project = Project.objects.get(fiscal_year=r2_published, number=28)
    rows = list(project.rows.order_by("order"))
    removed = rows[-1]
    lines = ["\n".join([a.line(), *a.details]) for a in removed.activities.order_by("order")]
    public = client_for(None)
    assert removed.summary in public.get(f"/projects/{project.pk}/").content.decode()
    data = project_form(project, rows, delete=[len(rows) - 1])
    with django_capture_on_commit_callbacks(execute=True):  # as the commit of the request
        response = client_for(users["jimukyoku"]).post(
            f"/admin/projects/project/{project.pk}/change/", data
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert project.rows.count() == len(rows) - 1
    change = Change.objects.get(project=project, field="row_deleted")
    assert (change.subject, change.old_value) == (
        f"行 {len(rows)}",
        "\n".join([removed.summary, *lines]),
    )
    page = client_for(users["jimukyoku"]).get(f"/admin/projects/project/{project.pk}/change/")
    assert f"事業の行を削除: {removed.summary}" in page.content.decode()
    assert removed.summary not in public.get(f"/projects/{project.pk}/").content.decode()


def test_the_towns_of_a_removed_row_leave_the_project(users, r2):
    """Every row names its 関係市町; the row naming 萩市 is removed: the project's 関係市町 are
    its remaining rows' (宇部市), recorded."""
    project = Project.objects.get(fiscal_year=r2, number=28)
    rows = list(project.rows.order_by("order"))
    client = client_for(users["jimukyoku"])

    def post(texts, delete=None):
        data = project_form(
            project,
            rows,
            delete=[] if delete is None else [delete],
            municipalities_text=texts,
        )
        response = client.post(f"/admin/projects/project/{project.pk}/change/", data)
        assert response.status_code == 302, response.content.decode()[:2000]
        return sorted(project.municipalities.values_list("name", flat=True))

    texts = ["宇部市"] * (len(rows) - 1) + ["萩市"]
    assert post(texts) == ["宇部市", "萩市"]
    page = client.get(f"/admin/projects/project/{project.pk}/change/").content.decode()
    assert f"行 {len(rows)} 関係市町: (なし) → 萩市" in page  # each row named, as by an upload
    assert post(texts, delete=len(rows) - 1) == ["宇部市"]
    recorded = Change.objects.filter(project=project, field="municipalities").order_by("pk")
    assert [(c.old_value, c.new_value) for c in recorded][-1] == ("宇部市、萩市", "宇部市")


def test_projects_deleted_from_the_changelist_are_recorded(
    users, r2_published, own_cache, django_capture_on_commit_callbacks
):
    project = Project.objects.get(fiscal_year=r2_published, number=30)
    activities = Activity.objects.filter(row__project=project).order_by("row__order", "order")
    lines = ["\n".join([a.line(), *a.details]) for a in activities]
    public = client_for(None)
    assert public.get(f"/projects/{project.pk}/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(users["jimukyoku"]).post(
            "/admin/projects/project/",
            {"action": "delete_selected", "_selected_action": [project.pk], "post": "yes"},
        )
    assert response.status_code == 302
    assert not Project.objects.filter(pk=project.pk).exists()
    change = Change.objects.get(field="project_deleted")
    assert (change.fiscal_year_id, change.user, change.old_value) == (
        r2_published.pk,
        users["jimukyoku"],
        "\n".join([f"30 {project.name}", *lines]),
    )
    assert public.get(f"/projects/{project.pk}/").status_code == 404


def test_change_history_is_read_only(users, r2):
    activity = activity_of(r2, 28)
    editing.update_activity(
        user=users["ube"],
        activity=activity,
        status="done",
        text=activity.text,
        details=activity.details,
        expected_version=1,
    )
    change = Change.objects.get(activity=activity)
    client = client_for(users["jimukyoku"])
    assert client.get("/admin/projects/change/add/").status_code == 403
    assert (
        client.post(f"/admin/projects/change/{change.pk}/change/", {"new_value": "x"}).status_code
        == 403
    )
    assert (
        client.post(f"/admin/projects/change/{change.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert Change.objects.get(pk=change.pk).new_value == "done"
    # staff of another municipality do not see it
    assert result_count(client_for(users["hagi"]).get("/admin/projects/change/")) == 0
    assert result_count(client_for(users["ube"]).get("/admin/projects/change/")) == 1


def test_the_secretariat_assigns_municipalities(users, r2):
    profile = users["hagi"].staff_profile
    yamaguchi = StaffProfile.objects.get(user__username="yamaguchi").municipality
    response = client_for(users["jimukyoku"]).post(
        f"/admin/projects/staffprofile/{profile.pk}/change/",
        {"user": profile.user_id, "municipality": yamaguchi.pk},
    )
    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.municipality == yamaguchi


# -- exports -------------------------------------------------------------------------------------


def test_year_and_municipality_workbooks(users, r2):
    client = client_for(users["jimukyoku"])
    url = f"/admin/projects/fiscalyear/{r2.pk}/export/"
    whole = read_workbook(io.BytesIO(client.get(url).content))
    assert len(whole.projects()) == 29
    response = client.get(f"{url}?municipality=hagi")
    assert (
        response["Content-Disposition"] == 'attachment; filename="renkei-overview-2020-hagi.xlsx"'
    )
    hagi = read_workbook(io.BytesIO(response.content))
    expected = Project.objects.filter(fiscal_year=r2, municipalities__slug="hagi").count()
    assert len(hagi.projects()) == expected < 29
    # staff always get their own municipality's part, whatever they ask for
    own = client_for(users["ube"]).get(f"{url}?municipality=hagi")
    assert own["Content-Disposition"] == 'attachment; filename="renkei-overview-2020-ube.xlsx"'


def admin_export(client, fmt_index: str):
    data = {"format": fmt_index, "resource": "0"}
    data.update({f"activityresource_{name}": "on" for name in EXPORT_FIELDS})
    return client.post(f"{ACTIVITIES}export/", data)


def test_flat_exports_escape_formulas_and_stay_in_scope(users, r2):
    activity = activity_of(r2, 28)
    editing.update_activity(
        user=users["ube"],
        activity=activity,
        status=activity.status,
        text='=HYPERLINK("http://example.com/","詳細")',
        details=["-1 件", "・参加者 =10 名"],
        expected_version=1,
    )
    client = client_for(users["ube"])
    response = admin_export(client, "0")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == activities_editable_by(users["ube"], Activity.objects.all()).count()
    row = next(r for r in rows if "HYPERLINK" in r["内容"])
    assert row["内容"] == '\'=HYPERLINK("http://example.com/","詳細")'
    assert row["詳細"] == "'-1 件\n・参加者 =10 名"  # only the start of a cell is dangerous
    xlsx = admin_export(client, "1")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    cells = [c for r in sheet.iter_rows() for c in r if "HYPERLINK" in str(c.value)]
    assert [(c.value, c.data_type) for c in cells] == [
        ('\'=HYPERLINK("http://example.com/","詳細")', "s")
    ]
    staff_csv = client.get("/staff/export/activities.csv").content.decode("utf-8-sig")
    assert '"\'=HYPERLINK(""http://example.com/"",""詳細"")"' in staff_csv


def test_the_flat_resource_is_export_only(users):
    with pytest.raises(NoReverseMatch):
        reverse("admin:projects_activity_import")
    assert not ActivityAdmin(Activity, admin.site).has_import_permission(None)
    headers = ActivityResource().export(Activity.objects.none()).headers
    assert headers == [
        "年度",
        "取組",
        "施策",
        "事業番号",
        "事業名",
        "関係市町",
        "行",
        "状況",
        "記号",
        "内容",
        "詳細",
        "タグ",
        "版",
        "更新日時",
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("model", ["activity", "project", "measure"])
@pytest.mark.parametrize("name", ["strategy", "measure"])
@pytest.mark.parametrize("value", ["abc", "²", "99999999999999999999999"])
def test_a_garbled_filter_id_sends_back_to_the_unfiltered_list(demo_users, r2, model, name, value):
    client = client_for(demo_users["jimukyoku"], raise_request_exception=True)
    response = client.get(f"/admin/projects/{model}/", {name: value})
    assert response.status_code == 302
    assert response["Location"] == f"/admin/projects/{model}/?e=1"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [{"year": "2020"}, {"strategy": "abc"}, {"measure": "²"}],
)
def test_activity_export_with_a_filter_it_cannot_apply_goes_back_to_the_list(demo_users, r2, query):
    client = client_for(demo_users["hagi"], raise_request_exception=True)
    response = client.get("/admin/projects/activity/export/", query, follow=True)
    assert response.redirect_chain == [("/admin/projects/activity/", 302)]
    assert "絞り込みの条件が正しくありません。一覧から選び直してください。" in (
        response.content.decode()
    )


def test_a_strategy_renamed_in_the_admin_keeps_its_new_name_through_export_and_import(
    users, r2, tmp_path
):
    """The heading the 資料 writes (「1 圏域全体の…」) follows a title changed on the page, so
    the exported workbook, imported again, changes nothing."""
    strategy = r2.strategies.get(number=1)
    measures = list(strategy.measures.order_by("order"))
    new_title = "圏域全体の経済の成長"
    data = {
        "fiscal_year": r2.pk,
        "number": strategy.number,
        "title": new_title,
        "title_en": "",
        "heading": strategy.heading,
        "band": strategy.band,
        "measures-TOTAL_FORMS": str(len(measures)),
        "measures-INITIAL_FORMS": str(len(measures)),
        "measures-MIN_NUM_FORMS": "0",
        "measures-MAX_NUM_FORMS": "1000",
    }
    for i, m in enumerate(measures):
        data |= {
            f"measures-{i}-id": m.pk,
            f"measures-{i}-strategy": strategy.pk,
            f"measures-{i}-policy_field": m.policy_field,
            f"measures-{i}-label": m.label,
            f"measures-{i}-title": m.title,
            f"measures-{i}-title_en": "",
            f"measures-{i}-heading": m.heading,
            f"measures-{i}-order": m.order,
        }
    response = client_for(users["jimukyoku"]).post(
        f"/admin/projects/strategy/{strategy.pk}/change/", data
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    strategy.refresh_from_db()
    assert (strategy.title, strategy.heading) == (new_title, f"1 {new_title}")
    path = tmp_path / "r02.xlsx"
    call_command("export_overview", "--year", "2020", "-o", str(path), verbosity=0)
    out = io.StringIO()
    call_command("import_overview", str(path), "--dry-run", stdout=out)
    assert "変更はありません" in out.getvalue()
