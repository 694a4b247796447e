"""The workbook upload as a write path like the others: a municipal account may change only the
activities of the rows that concern its municipality; every other difference in its file is
refused with its cell and the reason, and nothing is written. The secretariat's same upload is
applied and every difference goes into the history."""

import dataclasses
import io
import re
from html import escape

import pytest

from projects.models import Change, FiscalYear, Municipality, Project, StaffProfile
from projects.services.imports import import_overview, read_workbook
from tests.support.builders import Row, Sheet, build, small_rows
from tests.support.staff import client_for

UPLOAD = "/admin/projects/fiscalyear/upload/"


def base_sheet(**changes) -> Sheet:
    return Sheet(small_rows(), municipality_column=True, **changes)


def with_row(sheet: Sheet, index: int, **changes) -> Sheet:
    rows = list(sheet.rows)
    rows[index] = dataclasses.replace(rows[index], **changes)
    return dataclasses.replace(sheet, rows=rows)


@pytest.fixture
def year(db, tmp_path):
    """The small table (with its 関係市町 column) imported from the command line."""
    import_overview(read_workbook(build(tmp_path / "base.xlsx", base_sheet())))
    return FiscalYear.objects.get(year=2020)


@pytest.fixture
def ube(year, django_user_model):
    user = django_user_model.objects.create_user("ube-staff", is_staff=True)
    StaffProfile.objects.create(user=user, municipality=Municipality.objects.get(slug="ube"))
    return user


@pytest.fixture
def secretariat(year, django_user_model):
    user = django_user_model.objects.create_user("office", is_staff=True)
    StaffProfile.objects.create(user=user, is_secretariat=True)
    return user


def upload(client, path):
    content = io.BytesIO(path.read_bytes())
    content.name = path.name
    return client.post(UPLOAD, {"file": content})


def problems(response) -> list[str]:
    html = response.content.decode()
    block = html.split('<ul class="upload-problems">')[1].split("</ul>")[0]
    return [re.sub(r"<.*?>", "", item).strip() for item in block.split("<li>")[1:]]


def everything():
    """What an import writes, to prove a refused upload wrote nothing."""
    from tests.services.test_imports import snapshot

    return snapshot()


REFUSED = (
    "事務局だけが変更できる項目です (担当者が取込で変更できるのは、担当の市町が関係市町に入っている"
    "行の実績項目の状況・内容・詳細行と、その追加・削除だけです)。ファイルのこの部分はデータベースの"
    "内容のままにしてください。"
)
NOT_THEIR_ROW = (
    "この行の実績項目を変更する権限がありません (担当の市町が関係市町に入っていない行です)。"
)
SHEET = "シート「資料1-2」"
S1 = "1 圏域全体の経済成長のけん引"


def renamed_strategy(sheet):
    rows = [
        dataclasses.replace(r, strategy="1 圏域全体の経済成長の牽引") if r.strategy == S1 else r
        for r in sheet.rows
    ]
    return dataclasses.replace(sheet, rows=rows)


def project_moved(sheet):
    sheet = with_row(sheet, 1, measure="ア 経済戦略の策定及び推進")
    return with_row(sheet, 2, measure="ア 経済戦略の策定及び推進")


def project_added(sheet):
    rows = list(sheet.rows)
    rows.insert(
        4, Row(S1, "イ 戦略産業の育成", 5, "宇部の新事業", "概要", "△説明会の開催", "宇部市")
    )
    return dataclasses.replace(sheet, rows=rows)


def project_removed(sheet):
    return dataclasses.replace(
        sheet, rows=[r for r in sheet.rows if r.name != "MICE誘致に向けた検討"]
    )


def row_added(sheet):
    rows = list(sheet.rows)
    rows.insert(3, Row(S1, "イ 戦略産業の育成", 2, "起業・創業支援", "融資制度", "○融資の相談"))
    return dataclasses.replace(sheet, rows=rows)


# Each difference a municipal file may not make, at each level: (change, problems).
STRUCTURE = {
    "year title": lambda s: dataclasses.replace(
        s, title="令和2年度連携事業概要及び実績見込み(修正)"
    ),
    "document label": lambda s: dataclasses.replace(s, label="資料2"),
    "results header": lambda s: dataclasses.replace(
        s, results_header="事業の実績見込み\n(●は実施済み、○は実施中、△は実施予定、■は中止)"
    ),
    "strategy title": renamed_strategy,
    "measure title": lambda s: with_row(
        with_row(
            with_row(s, 1, measure="イ 戦略産業の育成支援"), 2, measure="イ 戦略産業の育成支援"
        ),
        3,
        measure="イ 戦略産業の育成支援",
    ),
    "project name (their own)": lambda s: with_row(
        with_row(s, 1, name="起業・創業の支援"), 2, name="起業・創業の支援"
    ),
    "project number": lambda s: with_row(s, 4, number=17),
    "project measure": project_moved,
    "project added": project_added,
    "project removed": project_removed,
    "row added": row_added,
    "summary (their own row)": lambda s: with_row(s, 1, summary="創業セミナーの開催"),
    "関係市町 of another town's project": lambda s: with_row(
        s, 6, municipalities="山口市、防府市、宇部市"
    ),
    "関係市町 stripped of the other towns": lambda s: with_row(s, 1, municipalities="宇部市"),
    "関係市町 blanked": lambda s: with_row(s, 4, municipalities=""),
    "activity of another town's row": lambda s: with_row(
        s, 6, results="●交通系ICカードの導入促進【新規】(１０/２３〜１１/５)"
    ),
}
WHY = " — " + REFUSED
NOT_THEIRS = " — " + NOT_THEIR_ROW
EXPECTED = {
    "year title": [
        "シート「資料1-2」 セル A1: 表題: 令和2年度連携事業概要及び実績見込み → 令和2年度連携事業概要及び実績見込み(修正)"
        + WHY,
    ],
    "document label": [
        "シート「資料2」 セル F1: 資料番号: 資料1-2 → 資料2" + WHY,
    ],
    "results header": [
        "シート「資料1-2」 セル F2: 実績欄の見出し: 事業の実績見込み\n(●は実施済み、○は実施中、△は実施予定、■コロナの影響による中止) → 事業の実績見込み\n(●は実施済み、○は実施中、△は実施予定、■は中止)"
        + WHY,
        "シート「資料1-2」 セル F2: 凡例: ●実施済み、○実施中、△実施予定、■コロナの影響による中止 → ●実施済み、○実施中、△実施予定、■中止"
        + WHY,
    ],
    "strategy title": [
        "シート「資料1-2」 セル A4: 取組 1 名称: 圏域全体の経済成長のけん引 → 圏域全体の経済成長の牽引"
        + WHY,
        "シート「資料1-2」 セル A4: 取組 1 取組欄の表記: 1 圏域全体の経済成長のけん引 → 1 圏域全体の経済成長の牽引"
        + WHY,
        "シート「資料1-2」 セル A4: 取組 1 帯の表記: 圏域全体の経済成長のけん引 → 圏域全体の経済成長の牽引"
        + WHY,
    ],
    "measure title": [
        "シート「資料1-2」 セル B5: 施策 1-イ 名称: 戦略産業の育成 → 戦略産業の育成支援" + WHY,
        "シート「資料1-2」 セル B5: 施策 1-イ 施策欄の表記: イ 戦略産業の育成 → イ 戦略産業の育成支援"
        + WHY,
    ],
    "project name (their own)": [
        "シート「資料1-2」 セル D5 事業「2 起業・創業支援」: 事業名: 起業・創業支援 → 起業・創業の支援"
        + WHY,
    ],
    "project number": [
        "シート「資料1-2」 セル C10 事業「18 地域医療提供体制の確保」: 番号: 18 → 17" + WHY,
    ],
    "project measure": [
        "シート「資料1-2」 セル B5 事業「2 起業・創業支援」: 施策: イ 戦略産業の育成 → ア 経済戦略の策定及び推進"
        + WHY,
    ],
    "project added": [
        "シート「資料1-2」 セル D8 事業「5 宇部の新事業」: 追加: 5 宇部の新事業 (行 1、実績項目 1)\n行 1: 概要\n△説明会の開催"
        + WHY,
    ],
    "project removed": [
        "シート「資料1-2」 事業「MICE誘致に向けた検討」: 削除: MICE誘致に向けた検討\n行 1\nパンフレットの制作【新規】"
        + WHY,
    ],
    "row added": [
        "シート「資料1-2」 セル E7 事業「2 起業・創業支援」: 行 3 追加: 融資制度\n○融資の相談"
        + WHY,
    ],
    "summary (their own row)": [
        "シート「資料1-2」 セル E5 事業「2 起業・創業支援」: 行 1 事業の概要: セミナーの開催 → 創業セミナーの開催"
        + WHY,
    ],
    "関係市町 of another town's project": [
        "シート「資料1-2」 セル G13 事業「26 地域公共交通対策」: 関係市町: 山口市、防府市 → 山口市、宇部市、防府市"
        + WHY,
        "シート「資料1-2」 セル G13 事業「26 地域公共交通対策」: 行 1 関係市町: 山口市、防府市 → 山口市、防府市、宇部市"
        + WHY,
    ],
    "関係市町 stripped of the other towns": [
        "シート「資料1-2」 セル G5 事業「2 起業・創業支援」: 関係市町: 山口市、宇部市 → 宇部市"
        + WHY,
        "シート「資料1-2」 セル G5 事業「2 起業・創業支援」: 行 1 関係市町: 山口市、宇部市 → 宇部市"
        + WHY,
        "シート「資料1-2」 セル G6 事業「2 起業・創業支援」: 行 2 関係市町: 山口市、宇部市 → 宇部市"
        + WHY,
    ],
    "関係市町 blanked": [
        "シート「資料1-2」 セル G10 事業「18 地域医療提供体制の確保」: 関係市町: 宇部市、美祢市 → (なし)"
        + WHY,
        "シート「資料1-2」 セル G10 事業「18 地域医療提供体制の確保」: 行 1 関係市町: 宇部市・美祢市 → (なし)"
        + WHY,
    ],
    "activity of another town's row": [
        "シート「資料1-2」 セル F13 事業「26 地域公共交通対策」: 行 1「交通系ICカードの導入促進【新規】(１０/２３〜１１/５)」 状況: ○ 実施中 → ● 実施済み"
        + NOT_THEIRS,
    ],
}


@pytest.mark.parametrize("change", list(STRUCTURE))
def test_a_municipal_upload_changing_anything_else_is_refused(ube, tmp_path, change):
    path = build(tmp_path / "changed.xlsx", STRUCTURE[change](base_sheet()))
    before = everything()
    response = upload(client_for(ube), path)
    assert response.status_code == 400
    assert problems(response) == EXPECTED[change]
    after = everything()
    before["FiscalYear"] = after["FiscalYear"] = None
    assert after == before


def preview_and_confirm(client, path):
    response = upload(client, path)
    assert response.status_code == 302, response.content.decode()[:2000]
    html = client.get(response["Location"]).content.decode()
    token = re.search(r'name="token" value="(\w+)"', html)[1]
    confirmed = client.post(response["Location"], {"confirm": "確定して取り込む", "token": token})
    return html, confirmed


@pytest.mark.parametrize("change", list(STRUCTURE))
def test_the_same_upload_by_the_secretariat_is_applied_and_recorded(secretariat, tmp_path, change):
    from projects.reports.history import describe

    path = build(tmp_path / "changed.xlsx", STRUCTURE[change](base_sheet()))
    start = Change.objects.order_by("-id").values_list("id", flat=True).first()
    html, confirmed = preview_and_confirm(client_for(secretariat), path)
    assert "変更はありません" not in html
    assert confirmed.status_code == 302
    recorded = Change.objects.filter(id__gt=start, source="import")
    assert {c.user for c in recorded} == {secretariat}
    # Each difference the municipal account was refused is one history row, in the same words.
    said = [
        m.split(": ", 1)[1].removesuffix(WHY).removesuffix(NOT_THEIRS) for m in EXPECTED[change]
    ]
    assert sorted(describe(c) for c in recorded) == sorted(said)
    for line in said:  # each shown in the preview
        value = line.split(" → ")[-1] if " → " in line else line.split(": ", 1)[1]
        assert escape(value.split("\n")[0]) in html


def test_a_municipal_upload_changes_the_activities_of_its_rows(ube, tmp_path):
    sheet = with_row(  # 起業・創業支援 (山口市、宇部市): a detail added, a line removed
        base_sheet(), 1, results="●創業セミナーの開催(4/26～5/6)【新規】\n・参加 20 名"
    )
    sheet = with_row(sheet, 4, results="○産科医等確保支援事業\n・分娩手当を支援\n△研修会の開催")
    start = Change.objects.order_by("-id").values_list("id", flat=True).first()
    html, confirmed = preview_and_confirm(client_for(ube), build(tmp_path / "ube.xlsx", sheet))
    assert confirmed.status_code == 302
    row = Project.objects.get(number=2).rows.get(order=0)
    assert [(a.status, a.text, a.details) for a in row.activities.all()] == [
        ("done", "創業セミナーの開催(4/26～5/6)【新規】", ["・参加 20 名"]),
    ]
    recorded = Change.objects.filter(id__gt=start, source="import").order_by("id")
    assert [(c.field, c.old_value, c.new_value) for c in recorded] == [
        ("details", "", "・参加 20 名"),
        ("deleted", "■交流会の実施", ""),
        ("created", "", "△研修会の開催"),
    ]
    assert all(c.user == ube for c in recorded)
    assert Project.objects.get(number=18).rows.get().activities.last().text == "研修会の開催"
