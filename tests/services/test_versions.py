"""Each import kept as a version; the undo of the latest one through the import service,
with the edits made since kept and listed as conflicts."""

import io

import pytest

from projects.models import Activity, ImportVersion
from projects.services import editing, undo
from projects.services.imports import import_overview, read_workbook
from tests.support.staff import activity_of, client_for, with_status, workbook_with


def upload(content: bytes, name: str, user):
    source = io.BytesIO(content)
    source.name = name
    return import_overview(read_workbook(source), user=user, filename=name)


@pytest.fixture
def imported(demo_users, r2, r2_path):
    """R2, then a workbook from the secretariat that marks project 28's first activity ● and
    project 24's first (■) ○."""
    first, other = activity_of(r2, 28), activity_of(r2, 24)
    content = workbook_with(r2_path, {**with_status(first, "●"), **with_status(other, "○")})
    upload(content, "r02-0201.xlsx", demo_users["jimukyoku"])
    return ImportVersion.objects.get(filename="r02-0201.xlsx"), content


def test_an_import_is_kept_with_its_file_and_summary(imported, demo_users, r2):
    version, content = imported
    assert ImportVersion.objects.count() == 2  # the first import (the fixture's) and this one
    assert (version.user, version.summary) == (demo_users["jimukyoku"], "更新: 実績項目 2")
    assert bytes(version.content) == content
    assert version.imported_at == r2.__class__.objects.get(pk=r2.pk).imported_at
    first = ImportVersion.objects.exclude(pk=version.pk).get()
    assert first.before is None
    assert undo.refusal(first) == (
        "この取込で年度の表が作られたため、取り消せません (取込前の表がありません)。"
    )
    assert undo.refusal(version) == ""


def test_undo_after_a_later_staff_edit_keeps_it_and_says_so(imported, demo_users, r2):
    version, _ = imported
    first = activity_of(r2, 28)
    assert first.status == "done"
    editing.update_activity(
        user=demo_users["ube"],
        activity=first,
        status="cancelled",
        text=first.text,
        details=first.details,
        expected_version=first.version,
    )
    plan = undo.plan_undo(version, user=demo_users["jimukyoku"])
    assert [str(c) for c in plan.conflicts] == [
        f"実績項目「28 次世代の人材育成」「■{first.text}」の状況: "
        "取込の後に変更されているため、今の内容を残します。"
    ]
    assert plan.conflicts[0].edits[0].endswith("ube (宇部市 担当) (画面) 状況: ● 実施済み → ■ 中止")
    assert plan.result.summary_lines() == ["更新: 実績項目 1"]  # project 24's line only
    assert activity_of(r2, 24).status == "in_progress"  # a plan writes nothing

    undo.undo(version, user=demo_users["jimukyoku"])
    assert activity_of(r2, 28).status == "cancelled"  # the staff's edit is not lost
    assert activity_of(r2, 24).status == "cancelled"  # the import's change is taken back
    undone = ImportVersion.objects.get(undoes=version)
    assert undone.filename == "取消: r02-0201.xlsx"
    assert undo.refusal(version) == "この取込は既に取り消しています。"
    assert undo.refusal(undone) == ""  # the undo can itself be undone
    undo.undo(undone, user=demo_users["jimukyoku"])
    assert activity_of(r2, 24).status == "in_progress"


def test_undo_puts_back_an_activity_the_import_removed(demo_users, r2, r2_path):
    gone = activity_of(r2, 1, 1)  # the second of project 1's three lines in one row
    content = workbook_with(r2_path, {gone.marker + gone.text: "●追加された項目"})
    upload(content, "r02-0301.xlsx", demo_users["jimukyoku"])
    assert not Activity.objects.filter(text=gone.text).exists()
    undo.undo(ImportVersion.objects.get(filename="r02-0301.xlsx"), user=demo_users["jimukyoku"])
    lines = [a.text for a in Activity.objects.filter(row=gone.row).order_by("order")]
    assert gone.text in lines and "追加された項目" not in lines
    assert lines.index(gone.text) == 1


def test_the_undo_page_shows_the_conflicts_first_and_writes_only_when_confirmed(
    imported, demo_users, r2
):
    version, _ = imported
    first = activity_of(r2, 28)
    editing.update_activity(
        user=demo_users["ube"],
        activity=first,
        status="cancelled",
        text=first.text,
        details=first.details,
        expected_version=first.version,
    )
    client = client_for(demo_users["jimukyoku"])
    html = client.get(f"/years/imports/{version.pk}/undo/").content.decode()
    assert html.index("取込の後に変更された項目 (1)") < html.index("取消で変わること")
    assert "ube (宇部市 担当) (画面) 状況: ● 実施済み → ■ 中止" in html
    assert activity_of(r2, 24).status == "in_progress"
    response = client.post(f"/years/imports/{version.pk}/undo/", {"confirm": "yes"})
    assert response["Location"] == "/years/2020/imports/"
    assert activity_of(r2, 24).status == "cancelled"
    listing = client.get("/years/2020/imports/").content.decode()
    assert "取消: r02-0201.xlsx" in listing and "この取込は既に取り消しています。" in listing
    staff = client_for(demo_users["ube"]).get(f"/years/imports/{version.pk}/undo/")
    assert staff.status_code == 403
