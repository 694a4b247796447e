"""services.editing: permission, history and refused stale saves for single-activity edits."""

import pytest
from django.core.exceptions import PermissionDenied

from projects.models import Activity, Change, ChangeSource, Event
from projects.reports.history import describe
from projects.services import editing
from tests.support.staff import activity_of, add_users


@pytest.fixture
def users(demo_users):
    return add_users(dict(demo_users))


def test_update_records_each_changed_field_and_bumps_the_version(users, r2):
    activity = activity_of(r2, 25)
    old_text = activity.text
    changes = editing.update_activity(
        user=users["ube"],
        activity=activity,
        status="done",
        text=old_text + "【拡充】",
        details=["・説明会(6/3)"],
        expected_version=1,
    )
    assert [(c.field, c.source) for c in changes] == [
        ("status", "portal"),
        ("text", "portal"),
        ("details", "portal"),
    ]
    activity.refresh_from_db()
    assert (activity.status, activity.version, activity.tags) == ("done", 2, "拡充")
    assert activity.details == ["・説明会(6/3)"]
    assert Event.objects.filter(activity=activity, source="6/3").exists()
    status = Change.objects.get(activity=activity, field="status")
    assert (status.user, status.old_value, status.new_value) == (users["ube"], "planned", "done")
    assert describe(status) == "状況: △ 実施予定 → ● 実施済み"
    assert (
        Change.objects.filter(project=activity.row.project).last_changed_at() == status.changed_at
    )


def test_nothing_changed_writes_nothing(users, r2):
    activity = activity_of(r2, 25)
    changes = editing.update_activity(
        user=users["ube"],
        activity=activity,
        status=activity.status,
        text=activity.text,
        details=activity.details,
        expected_version=activity.version,
    )
    assert changes == []
    assert Activity.objects.get(pk=activity.pk).version == 1
    assert not Change.objects.exclude(project=None).exists()  # (year switches have no project)


def test_the_later_of_two_saves_is_refused_with_what_the_other_changed(users, r2):
    activity = activity_of(r2, 28)
    mine = Activity.objects.get(pk=activity.pk)  # both opened the form at version 1
    editing.update_activity(
        user=users["ube"],
        activity=activity,
        status="done",
        text=activity.text,
        details=activity.details,
        expected_version=1,
    )
    with pytest.raises(editing.EditConflict) as refused:
        editing.update_activity(
            user=users["jimukyoku"],
            activity=mine,
            status="cancelled",
            text=mine.text,
            details=mine.details,
            expected_version=1,
        )
    message = str(refused.value)
    assert message.startswith(
        "この実績項目は、画面を開いた後に他の人が更新しました: ube (宇部市 担当) さんが "
    )
    assert "に画面で変更 (状況: ○ 実施中 → ● 実施済み)" in message
    assert message.endswith(
        "あなたの変更は保存していません。最新の内容を確認してから、もう一度保存してください。"
    )
    activity.refresh_from_db()
    assert (activity.status, activity.version) == ("done", 2)
    assert Change.objects.filter(activity=activity).count() == 1


def test_a_race_lost_between_read_and_write_is_refused(users, r2, monkeypatch):
    """The version is compared again in the UPDATE itself."""
    activity = activity_of(r2, 28)
    real_filter = Activity.objects.filter

    def someone_saves_first(*args, **kwargs):
        if kwargs.get("version") == 1:
            real_filter(pk=activity.pk).update(version=2, status="cancelled")
        return real_filter(*args, **kwargs)

    monkeypatch.setattr(Activity.objects, "filter", someone_saves_first)
    with pytest.raises(editing.EditConflict):
        editing.update_activity(
            user=users["ube"],
            activity=activity,
            status="done",
            text=activity.text,
            details=activity.details,
            expected_version=1,
        )
    monkeypatch.undo()
    # (the simulated other save ran inside our savepoint, so it was rolled back with it)
    assert Activity.objects.get(pk=activity.pk).status != "done"
    assert not Change.objects.exclude(project=None).exists()  # (year switches have no project)


def test_staff_cannot_edit_another_municipalitys_activity(users, r2):
    activity = activity_of(r2, 25)  # 宇部市・美祢市
    with pytest.raises(PermissionDenied, match="担当の市町が関係市町に入っていない行です"):
        editing.update_activity(
            user=users["hagi"],
            activity=activity,
            status="done",
            text=activity.text,
            details=activity.details,
            expected_version=1,
        )
    assert Activity.objects.get(pk=activity.pk).status == activity.status


def test_add_and_remove_are_recorded(users, r2):
    activity = activity_of(r2, 28)
    added = editing.add_activity(
        user=users["ube"],
        row=activity.row,
        status="planned",
        text="報告会の開催(2月頃)",
        details=[],
    )
    assert added.order == activity.row.activities.count() - 1
    assert added.events.get().source == "2月頃"
    created = Change.objects.get(field="created", source=ChangeSource.PORTAL)
    assert (created.activity, created.new_value) == (added, "△報告会の開催(2月頃)")
    removed = editing.remove_activity(user=users["ube"], activity=added, expected_version=1)
    assert not Activity.objects.filter(pk=added.pk).exists()
    removed.refresh_from_db()
    assert (removed.field, removed.old_value, removed.activity) == (
        "deleted",
        "△報告会の開催(2月頃)",
        None,
    )
    assert removed.project == activity.row.project
    assert removed.source == ChangeSource.PORTAL


def test_remove_with_a_stale_version_is_refused(users, r2):
    activity = activity_of(r2, 28)
    editing.update_activity(
        user=users["jimukyoku"],
        activity=activity,
        status="done",
        text=activity.text,
        details=activity.details,
        expected_version=1,
    )
    with pytest.raises(editing.EditConflict, match="jimukyoku"):
        editing.remove_activity(user=users["ube"], activity=activity, expected_version=1)
    assert Activity.objects.filter(pk=activity.pk).exists()


def test_update_of_a_deleted_activity_says_so(users, r2):
    activity = activity_of(r2, 28)
    Activity.objects.filter(pk=activity.pk).delete()
    with pytest.raises(editing.EditConflict) as refused:
        editing.update_activity(
            user=users["ube"],
            activity=activity,
            status="done",
            text=activity.text,
            details=[],
            expected_version=1,
        )
    assert str(refused.value) == (
        "この実績項目は、画面を開いた後に他の人が削除しました。変更は保存していません。"
    )
