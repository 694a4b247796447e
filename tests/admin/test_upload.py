"""The secretariat's workbook upload: preview, conflicts, confirm, cancel, and the limits."""

import io
import os
import re
import zipfile

import openpyxl
import openpyxl.xml
import pytest
from defusedxml import DefusedXmlException
from django.test import RequestFactory
from django.urls import resolve

from projects.models import Activity, Change, PendingUpload
from projects.services import editing
from projects.services.imports import read_workbook
from projects.table.files import WorkbookError
from tests.support.builders import Sheet, build, small_rows
from tests.support.staff import activity_of, add_users, client_for, with_status, workbook_with

UPLOAD = "/admin/projects/fiscalyear/upload/"


@pytest.fixture
def users(demo_users):
    return add_users(dict(demo_users))


def as_upload(content: bytes, name: str = "r02.xlsx") -> io.BytesIO:
    upload = io.BytesIO(content)
    upload.name = name
    return upload


def token_of(html: str) -> str:
    """The token of the preview page, which its confirmation must carry."""
    return re.search(r'name="token" value="(\w+)"', html)[1]


def problems(response) -> list[str]:
    html = response.content.decode()
    block = html.split('<ul class="upload-problems">')[1].split("</ul>")[0]
    return [re.sub(r"<.*?>", "", item).strip() for item in block.split("<li>")[1:]]


def test_preview_shows_the_change_and_the_conflict_then_confirm_applies_it(users, r2, r2_path):
    portal_edit = activity_of(r2, 28, 0)  # ○ in the file; staff set it to ● in the portal
    editing.update_activity(
        user=users["ube"],
        activity=portal_edit,
        status="done",
        text=portal_edit.text,
        details=portal_edit.details,
        expected_version=1,
    )
    in_file = activity_of(r2, 7, 1)  # ○ → ● in the uploaded file
    client = client_for(users["jimukyoku"])
    response = client.post(
        UPLOAD, {"file": as_upload(workbook_with(r2_path, with_status(in_file, "●")))}
    )
    assert response.status_code == 302
    pending = PendingUpload.objects.get()
    assert response["Location"] == f"/admin/projects/fiscalyear/upload/{pending.pk}/"
    assert (pending.filename, pending.user) == ("r02.xlsx", users["jimukyoku"])

    html = client.get(response["Location"]).content.decode()
    assert "まだ何も書き込んでいません。" in html
    assert "更新: 実績項目 2" in html
    assert (
        "次の 1 件は、前回の取込の後に画面で状況が変更されています。確定すると、ファイルの内容で上書きされます。"
        in html
    )
    conflicts = html.split('<ul class="conflicts">')[1].split("</ul>")[0]
    assert "事業「28 次世代の人材育成」: ● 実施済み → ○ 実施中" in conflicts
    assert "事業「7 広域観光連携」" not in conflicts
    rows = html.split('<table class="changes">')[1].split("</table>")[0]
    assert '<span class="old">○ 実施中</span> → <span class="new">● 実施済み</span>' in rows
    assert "画面で変更済み (上書きされます)" in rows
    # nothing is written by the preview
    assert Activity.objects.get(pk=in_file.pk).status == "in_progress"
    assert Activity.objects.get(pk=portal_edit.pk).status == "done"
    assert not Change.objects.filter(source="import").exclude(field="created").exists()

    confirmed = client.post(
        response["Location"], {"confirm": "確定して取り込む", "token": token_of(html)}
    )
    assert confirmed.status_code == 302
    assert confirmed["Location"] == f"/admin/projects/fiscalyear/{r2.pk}/change/"
    assert Activity.objects.get(pk=in_file.pk).status == "done"
    assert Activity.objects.get(pk=portal_edit.pk).status == "in_progress"
    change = Change.objects.get(source="import", activity=in_file, field="status")
    assert (change.user, change.old_value, change.new_value) == (
        users["jimukyoku"],
        "in_progress",
        "done",
    )
    assert not PendingUpload.objects.exists()
    again = {"confirm": "確定して取り込む", "token": token_of(html)}
    assert client.post(response["Location"], again).status_code == 404


def test_cancel_writes_nothing(users, r2, r2_path):
    client = client_for(users["jimukyoku"])
    target = activity_of(r2, 7, 1)
    response = client.post(
        UPLOAD, {"file": as_upload(workbook_with(r2_path, with_status(target, "●")))}
    )
    changes_before = Change.objects.count()
    cancelled = client.post(response["Location"], {"cancel": "取り消す"}, follow=True)
    assert "アップロードを取り消しました。データベースは変更していません。" in (
        cancelled.content.decode()
    )
    assert not PendingUpload.objects.exists()
    assert Activity.objects.get(pk=target.pk).status == "in_progress"
    assert Change.objects.count() == changes_before


def test_a_pending_upload_belongs_to_its_uploader(users, r2, r2_path):
    client_for(users["jimukyoku"]).post(UPLOAD, {"file": as_upload(r2_path.read_bytes())})
    pending = PendingUpload.objects.get()
    other = client_for(users["superuser"])
    assert other.get(f"{UPLOAD}{pending.pk}/").status_code == 404
    assert other.post(f"{UPLOAD}{pending.pk}/", {"confirm": "1"}).status_code == 404
    assert PendingUpload.objects.filter(pk=pending.pk).exists()


def test_the_same_file_again_previews_as_no_change(users, r2, r2_path):
    client = client_for(users["jimukyoku"])
    response = client.post(UPLOAD, {"file": as_upload(r2_path.read_bytes())})
    html = client.get(response["Location"]).content.decode()
    assert "変更はありません (データベースの内容はファイルと同じです)。" in html


def test_staff_upload_touching_another_municipality_is_refused(users, r2, r2_path):
    target = activity_of(r2, 7, 1)  # not 宇部市's
    response = client_for(users["ube"]).post(
        UPLOAD, {"file": as_upload(workbook_with(r2_path, with_status(target, "●")))}
    )
    assert response.status_code == 400
    assert problems(response) == [
        "シート「資料1-2」 セル F10 事業「7 広域観光連携」: "
        "行 1「効果的な情報発信・プロモーション事業の実施」 状況: ○ 実施中 → ● 実施済み — "
        "この行の実績項目を変更する権限がありません (担当の市町が関係市町に入っていない行です)。"
    ]
    assert not PendingUpload.objects.exists()


def test_errors_are_listed_with_their_cells(users, r2, r2_path):
    target = activity_of(r2, 7, 1)
    content = workbook_with(r2_path, {target.marker + target.text: "◎" + target.text})
    response = client_for(users["jimukyoku"]).post(UPLOAD, {"file": as_upload(content)})
    assert response.status_code == 400
    found = problems(response)
    assert len(found) == 1
    assert re.fullmatch(
        r"シート「資料1-2」 セル F\d+ 事業「7 広域観光連携」: 2 行目の記号「◎」は凡例にありません: "
        r"◎効果的な情報発信・プロモーション事業の実施",
        found[0],
    )
    assert "このファイルは取り込めません。データベースは変更していません。" in (
        response.content.decode()
    )


def test_a_title_without_a_year_makes_the_form_ask_for_the_year(users, r2, tmp_path):
    path = build(tmp_path / "untitled.xlsx", Sheet(small_rows(), title="連携事業概要"))
    client = client_for(users["jimukyoku"])
    response = client.post(UPLOAD, {"file": as_upload(path.read_bytes())})
    assert response.status_code == 400
    assert problems(response) == [
        "シート「資料1-2」: 表題から年度 (例: 令和2年度) を読み取れません。"
        "「年度」の欄で年度を指定してください。"
    ]
    assert "--year" not in response.content.decode()
    response = client.post(UPLOAD, {"file": as_upload(path.read_bytes()), "year": "2020"})
    assert response.status_code == 302


# -- limits and hostile files ---------------------------------------------------------------------


def zip_bytes(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def xlsx_with(r2_path, name: str, data: bytes) -> bytes:
    """R2 with one part of the package replaced."""
    with zipfile.ZipFile(r2_path) as source:
        entries = {n: source.read(n) for n in source.namelist()}
    entries[name] = data
    return zip_bytes(entries)


ENTITY_BOMB = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'.encode()
        for i in range(1, 10)
    )
    + b']>\n<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b"<sheets><sheet name='&lol9;' sheetId='1'/></sheets></workbook>"
)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("random.xlsx", os.urandom(4096), "Excel ブック (.xlsx) ではありません: random.xlsx。"),
        (
            "notes.xlsx",
            zip_bytes({"readme.txt": b"not a workbook"}),
            "Excel ブック (.xlsx) ではありません: notes.xlsx。Excel で開けるか確かめ、",
        ),
        ("empty.xlsx", b"", "ファイルが空です (0 バイト)。"),
    ],
)
def test_broken_files_get_a_message(users, r2, name, content, message):
    response = client_for(users["jimukyoku"]).post(UPLOAD, {"file": as_upload(content, name)})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not PendingUpload.objects.exists()


def test_a_zip_bomb_is_refused_before_it_is_inflated(users, r2, r2_path, settings):
    settings.OVERVIEW_MAX_UNCOMPRESSED_BYTES = 1_000_000
    bomb = xlsx_with(r2_path, "xl/media/padding.bin", b"\0" * 5_000_000)
    assert len(bomb) < 50_000
    response = client_for(users["jimukyoku"]).post(UPLOAD, {"file": as_upload(bomb)})
    assert response.status_code == 400
    assert problems(response) == [
        "ブックを展開すると大きすぎます (展開後 4.8 MB、上限 1.0 MB)。圧縮を解くと極端に大きく"
        "なるファイルは、安全のため受け付けません。画像や使っていないシートを削除して Excel で"
        "保存し直すか、表のシートだけを新しいブックにコピーしてから、もう一度選んでください。"
    ]


SHEET_BOMB_DOCTYPE = (
    b'<?xml version="1.0"?>\n<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">'
    b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
)


@pytest.mark.parametrize("part", ["xl/workbook.xml", "xl/worksheets/sheet1.xml"])
def test_xml_entities_are_refused_before_they_are_expanded(users, r2, r2_path, part):
    """By defusedxml (the parts openpyxl reads) or by the sheet reader, which refuses a
    document type before parsing (``table.workbook``)."""
    assert openpyxl.xml.DEFUSEDXML is True
    if part == "xl/workbook.xml":
        bomb = xlsx_with(r2_path, part, ENTITY_BOMB)
    else:
        with zipfile.ZipFile(r2_path) as source:
            bomb = xlsx_with(r2_path, part, SHEET_BOMB_DOCTYPE + source.read(part))
    with pytest.raises(WorkbookError) as refused:
        source = io.BytesIO(bomb)
        source.name = "bomb.xlsx"
        read_workbook(source)
    causes = []
    error = refused.value
    while error is not None:
        causes.append(error)
        error = error.__cause__ or error.__context__
    refusing = {type(e).__name__ for e in causes if isinstance(e, DefusedXmlException)}
    assert refusing == {"DocumentTypeRefused" if "sheet" in part else "EntitiesForbidden"}
    response = client_for(users["jimukyoku"]).post(UPLOAD, {"file": as_upload(bomb)})
    assert response.status_code == 400
    assert problems(response) == [
        "ブックの XML に実体参照 (ENTITY 宣言) があります。安全のため、実体参照を含むファイルは"
        "受け付けません。Excel で保存し直したブックを使ってください。"
    ]


def test_a_workbook_without_the_table_is_refused(users, r2):
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "メモ"
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = client_for(users["jimukyoku"]).post(
        UPLOAD, {"file": as_upload(buffer.getvalue(), "memo.xlsx")}
    )
    assert problems(response) == [
        "表の見出し行が見つかりません。シート「Sheet」の最初の 40 行に見出し「取組」「事業名」"
        "「事業の概要」「事業の実績」のどれもありません。資料の表があるブックか確かめてください。"
    ]


def test_a_body_over_the_cap_is_refused_from_its_content_length(users, r2, settings):
    """The size is checked before the body is read: reading it here would fail the test."""
    settings.OVERVIEW_MAX_UPLOAD_BYTES = 5_000
    request = RequestFactory().post(UPLOAD, {"file": as_upload(os.urandom(200_000))})

    class Unreadable(io.RawIOBase):
        def read(self, *args):
            raise AssertionError("the body was read")

        readline = read

    request._stream = Unreadable()
    request.user = users["jimukyoku"]
    response = resolve(UPLOAD).func(request)
    response.render()
    assert response.status_code == 413
    text = response.content.decode()
    assert "ファイルが大きすぎます (0.2 MB、上限 0.005 MB)。" in text


def test_a_file_over_the_cap_is_stopped_while_it_streams_in(users, r2, r2_path, settings):
    settings.OVERVIEW_MAX_UPLOAD_BYTES = 5_000  # R2 is 13,051 bytes: within the form allowance
    response = client_for(users["jimukyoku"]).post(
        UPLOAD, {"file": as_upload(r2_path.read_bytes())}
    )
    assert response.status_code == 413
    assert "ファイルが大きすぎます (0.012 MB、上限 0.005 MB)。" in response.content.decode()
    assert not PendingUpload.objects.exists()


def test_staff_without_a_municipality_cannot_upload(users, r2, r2_path):
    response = client_for(users["unassigned"]).post(
        UPLOAD, {"file": as_upload(r2_path.read_bytes())}
    )
    assert response.status_code == 403
    assert "資料をアップロードできるのは、担当の市町が設定された職員と事務局だけです。" in (
        response.content.decode()
    )


def test_preview_of_the_next_year_shows_its_links_to_the_year_before(users, r2, r2_path):
    wb = openpyxl.load_workbook(r2_path)
    ws = wb.active
    ws["A1"] = "令和3年度連携事業概要及び実績見込み"
    ws["D22"] = "広域交通ネットワークの強化"  # project 15 renamed
    buffer = io.BytesIO()
    wb.save(buffer)
    client = client_for(users["jimukyoku"])
    response = client.post(UPLOAD, {"file": as_upload(buffer.getvalue(), "r03.xlsx")})
    html = client.get(response["Location"]).content.decode()
    links = html.split('<ul class="links">')[1].split("</ul>")[0]
    items = [re.sub(r"<.*?>", "", item).strip() for item in links.split("<li>")[1:]]
    assert (
        items[0]
        == "前年度 (令和2年度) の事業との対応: 対応 29、番号変更 0、名称変更 1、新規 0、終了 0"
    )
    assert items[1] == "名称変更: 15 広域交通ネットワーク機能の強化 → 15 広域交通ネットワークの強化"


def test_an_activity_changed_after_the_preview_is_a_conflict_to_decide(users, r2, r2_path):
    """Nothing is overwritten silently: the confirmation finds the staff edit made after the
    preview, writes nothing and asks; "keep" leaves the edit, versions only grow."""
    kept, overwritten = activity_of(r2, 28, 0), activity_of(r2, 28, 1)
    changes = {**with_status(kept, "●"), **with_status(overwritten, "●")}
    in_file = overwritten.text
    client = client_for(users["jimukyoku"])
    response = client.post(UPLOAD, {"file": as_upload(workbook_with(r2_path, changes))})
    preview = client.get(response["Location"]).content.decode()
    for activity, text in ((kept, "画面での変更"), (overwritten, "別の変更")):
        editing.update_activity(
            user=users["ube"],
            activity=activity,
            status="cancelled",
            text=text,
            details=activity.details,
            expected_version=1,
        )
    confirm = {"confirm": "確定して取り込む", "token": token_of(preview)}
    conflict = client.post(response["Location"], confirm)
    assert conflict.status_code == 409
    html = conflict.content.decode()
    assert (
        "確認画面を表示した後に、次の実績項目が他の人に変更されました。何も書き込んでいません。"
        in html
    )
    assert Activity.objects.get(pk=kept.pk).text == "画面での変更"
    # the choice is asked for each activity; without it nothing is written either
    again = {"confirm": "確定して取り込む", "token": token_of(html)}
    assert client.post(response["Location"], again).status_code == 400
    choices = {
        **again,
        f"choice-activity:{kept.pk}": "keep",
        f"choice-activity:{overwritten.pk}": "overwrite",
    }
    done = client.post(response["Location"], choices)
    assert done.status_code == 302
    kept_now, overwritten_now = (Activity.objects.get(pk=a.pk) for a in (kept, overwritten))
    assert (kept_now.status, kept_now.text, kept_now.version) == ("cancelled", "画面での変更", 2)
    assert (overwritten_now.status, overwritten_now.text, overwritten_now.version) == (
        "done",
        in_file,
        3,
    )


def test_pending_uploads_expire(users, r2, r2_path, settings, capsys):
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    client = client_for(users["jimukyoku"])
    location = client.post(UPLOAD, {"file": as_upload(r2_path.read_bytes())})["Location"]
    pending = PendingUpload.objects.get()
    PendingUpload.objects.filter(pk=pending.pk).update(
        created_at=timezone.now() - timedelta(seconds=settings.OVERVIEW_PENDING_SECONDS + 1)
    )
    response = client.get(location)  # its preview is gone, even before the clean-up
    assert response.status_code == 404
    call_command("expire_uploads")
    assert capsys.readouterr().out == "期限切れのアップロードを削除しました: 1 件\n"
    assert not PendingUpload.objects.exists()
    # and each upload removes the expired ones too
    client.post(UPLOAD, {"file": as_upload(r2_path.read_bytes())})
    PendingUpload.objects.update(created_at=timezone.now() - timedelta(days=2))
    client.post(UPLOAD, {"file": as_upload(r2_path.read_bytes())})
    assert PendingUpload.objects.count() == 1
