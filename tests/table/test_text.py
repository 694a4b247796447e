"""Text every consumer can open (``table.text``), and the files that are not a readable
workbook (``table.files``): each refused with a message that says what to do."""

import io
import zipfile

import openpyxl
import pytest

from projects.table import text
from projects.table.files import WorkbookError
from projects.table.model import ActivityData
from projects.table.reader import read_overview
from projects.table.writer import write_overview
from tests.support.builders import MEMBERS, Sheet, build, small_rows
from tests.support.packages import rewritten


def read(source, **kwargs):
    return read_overview(source, municipalities=MEMBERS, **kwargs)


def messages(problems):
    return [str(p) for p in problems]


@pytest.mark.parametrize(
    "value, message",
    [
        ("普通の文\n改行\r\nタブ\tあり", None),
        ("a\x00b", "NUL (U+0000) は使えません (2 文字目)。"),
        ("事業\x01", "制御文字 U+0001 は使えません (3 文字目)。"),
        ("\x7f", "制御文字 U+007F は使えません (1 文字目)。"),
        ("\x1b[31m", "制御文字 U+001B は使えません (1 文字目)。"),
        ("あ" * 32_767, None),
        ("あ" * 32_768, "32,768 文字あります。Excel のセルに入るのは 32,767 文字までです。"),
    ],
)
def test_what_a_cell_may_hold(value, message):
    assert text.problem(value) == message


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("_x0000_", "_x005F_x0000_"),
        ("a_x0041_b", "a_x005F_x0041_b"),
        ("_x005F_", "_x005F_x005F_"),
        ("_x00G0_ and _x12_", "_x00G0_ and _x12_"),
        ("普通", "普通"),
    ],
)
def test_ooxml_escapes_round_trip(typed, stored):
    assert text.escape_ooxml(typed) == stored
    assert text.unescape_ooxml(stored) == typed


def test_a_literal_escape_reads_back_as_typed(tmp_path):
    overview = read(build(tmp_path / "a.xlsx", Sheet(small_rows())))
    overview.projects()[0].rows[0].activities.append(
        ActivityData("in_progress", "記号 _x0000_ と _x0041_ を含む", "○")
    )
    out = tmp_path / "out.xlsx"
    write_overview(overview, out)
    with zipfile.ZipFile(out) as package:
        sheet = package.read("xl/worksheets/sheet1.xml").decode()
    assert "記号 _x005F_x0000_ と _x005F_x0041_ を含む" in sheet
    again = read(out)
    assert again.errors == []
    assert again.projects()[0].rows[0].activities[-1].text == "記号 _x0000_ と _x0041_ を含む"


def test_an_escaped_control_character_in_a_cell_is_refused(tmp_path):
    """Excel reads 「_x0001_」 in a cell as U+0001: so does the reader, and refuses it."""
    rows = small_rows()
    rows[1].summary = "セミナー_x0001_の開催"
    ov = read(build(tmp_path / "c.xlsx", Sheet(rows)))
    assert messages(ov.errors) == [
        "シート「資料1-2」 セル E5: 制御文字 U+0001 は使えません (5 文字目)。"
    ]


def test_control_characters_and_overlong_cells_are_located_errors(tmp_path):
    """XML cannot hold most control characters: a workbook carries them as 「_x001B_」.
    openpyxl cuts text at 32,767 characters, so the long cell is put in the sheet's XML."""
    rows = small_rows()
    rows[1].summary = "セミナー_x001B_の開催"
    path = build(tmp_path / "c.xlsx", Sheet(rows))
    workbook = openpyxl.load_workbook(path)
    workbook.active["H9"] = "欄外のメモ_x0000_"
    workbook.save(path)
    with zipfile.ZipFile(path) as source:
        parts = {n: source.read(n) for n in source.namelist()}
    for name, data in parts.items():
        parts[name] = data.replace("相談窓口の運営".encode(), ("長" * 32_768).encode(), 1)
    with zipfile.ZipFile(path, "w") as target:
        for name, data in parts.items():
            target.writestr(name, data)
    ov = read(path)
    assert messages(ov.errors) == [
        "シート「資料1-2」 セル E5: 制御文字 U+001B は使えません (5 文字目)。",
        "シート「資料1-2」 セル E6: 32,768 文字あります。Excel のセルに入るのは 32,767 文字までです。",
        "シート「資料1-2」 セル H9: NUL (U+0000) は使えません (6 文字目)。",
    ]


def ole2(*streams: str) -> bytes:
    """The first bytes of a compound file, with the names of its streams in its directory."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504
    return header + b"".join(name.encode("utf-16-le") + b"\0" * 16 for name in streams)


@pytest.mark.parametrize(
    "name, content, code, message",
    [
        (
            "r01.xls",
            ole2("Workbook", "SummaryInformation"),
            "old_xls",
            "古い形式の Excel ブック (.xls) は読めません: r01.xls。Excel で開き、"
            "「名前を付けて保存」で「Excel ブック (*.xlsx)」を選んで保存し直してください。",
        ),
        (
            "r03.xlsx",
            ole2("EncryptionInfo", "EncryptedPackage"),
            "encrypted",
            "パスワードで保護 (暗号化) されたブックは読めません: r03.xlsx。Excel でパスワードを"
            "解除し、「名前を付けて保存」で「Excel ブック (*.xlsx)」を選んで保存し直してください。",
        ),
        (
            "cut.xlsx",
            b"PK\x03\x04\x14\x00\x00\x00" + b"\x01" * 200,
            "damaged",
            "ブックが壊れているため読めません: cut.xlsx。Excel で開けるか確かめ、保存し直してください。",
        ),
        (
            "notes.xlsx",
            "取組,事業名\n".encode(),
            "not_xlsx",
            "Excel ブック (.xlsx) ではありません: notes.xlsx。中身はテキスト (CSV など) で、名前だけが .xlsx "
            "になっています。名前を変えただけでは Excel ブックになりません。Excel で開き、"
            "「名前を付けて保存」で「Excel ブック (*.xlsx)」を選んで保存し直してください。",
        ),
    ],
)
def test_files_that_are_no_readable_workbook(tmp_path, name, content, code, message):
    path = tmp_path / name
    path.write_bytes(content)
    for source in (path, io.BytesIO(content)):
        if not isinstance(source, type(path)):
            source.name = name
        with pytest.raises(WorkbookError) as refused:
            read(source)
        assert [(p.code, str(p)) for p in refused.value.problems] == [(code, message)]


def test_a_truncated_workbook_is_damaged(r2_path, tmp_path):
    data = r2_path.read_bytes()
    path = tmp_path / "half.xlsx"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(WorkbookError) as refused:
        read(path)
    assert messages(refused.value.problems) == [
        "ブックが壊れているため読めません: half.xlsx。Excel で開けるか確かめ、保存し直してください。"
    ]


def test_a_part_that_is_no_xml_is_damaged(r2_path, tmp_path):
    sheet = "xl/worksheets/sheet1.xml"
    path = rewritten(r2_path, tmp_path / "bad.xlsx", {sheet: lambda data: data[: len(data) // 2]})
    with pytest.raises(WorkbookError) as refused:
        read(path)
    assert [p.code for p in refused.value.problems] == ["damaged"]


def test_entity_declarations_are_refused_in_words(r2_path, tmp_path):
    doctype = b'<?xml version="1.0"?>\n<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">]>'
    sheet = "xl/worksheets/sheet1.xml"
    path = rewritten(r2_path, tmp_path / "bomb.xlsx", {sheet: lambda data: doctype + data})
    with pytest.raises(WorkbookError) as refused:
        read(path)
    assert messages(refused.value.problems) == [
        "ブックの XML に実体参照 (ENTITY 宣言) があります。安全のため、実体参照を含むファイルは"
        "受け付けません。Excel で保存し直したブックを使ってください。"
    ]
    assert "Forbidden" not in str(refused.value) and "Error" not in str(refused.value)
