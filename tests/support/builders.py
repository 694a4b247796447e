"""資料 workbooks built in code, in the forms the secretariat's files take."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

import openpyxl

# The member municipalities, in the order the area lists them (the reader's ``municipalities``).
MEMBERS = ("山口市", "宇部市", "萩市", "防府市", "美祢市", "山陽小野田市", "津和野町")

LEGEND_HEADER = "事業の実績見込み\n(●は実施済み、○は実施中、△は実施予定、■コロナの影響による中止)"


@dataclass
class Row:
    strategy: str
    measure: str
    number: int | str | None
    name: str
    summary: str = ""
    results: str = ""
    municipalities: str = ""
    policy_field: str = ""  # a policy-field row printed before this row


@dataclass
class Sheet:
    rows: list[Row]
    title: str = "令和2年度連携事業概要及び実績見込み"
    label: str = "資料1-2"
    results_header: str = LEGEND_HEADER
    merged: bool = True
    municipality_column: bool = False
    notes_above: list[str] = field(default_factory=list)
    notes_sheet_first: bool = False
    newline: str = "\n"
    bands: bool = True
    band_format: str = "{title}"  # also "{wide}　{title}" (full-width), "{number} {title}"
    band_merged: bool = False  # each band row merged across the table
    merge_ranges: bool = False  # with ``merged``: strategy, measure, number, name as merges


def small_rows() -> list[Row]:
    s1, s3 = "1 圏域全体の経済成長のけん引", "3 圏域全体の生活関連機能サービスの向上"
    return [
        Row(
            s1,
            "ア 経済戦略の策定及び推進",
            1,
            "山口県中央連携都市圏域ビジョンの推進",
            "推進協議会の開催",
            "△ビジョン懇談会の開催(3月頃)\n○幹事会の開催\n・第1回幹事会(5/22)、第2回幹事会(1/28)",
            "全市町",
        ),
        Row(
            s1,
            "イ 戦略産業の育成",
            2,
            "起業・創業支援",
            "セミナーの開催",
            "●創業セミナーの開催(4/26～5/6)【新規】\n■交流会の実施",
            "山口市、宇部市",
        ),
        Row(s1, "イ 戦略産業の育成", 2, "起業・創業支援", "相談窓口の運営", "○相談窓口の運営"),
        Row(
            s1,
            "イ 戦略産業の育成",
            None,
            "MICE誘致に向けた検討",
            "",
            "パンフレットの制作【新規】",
            "萩市",
        ),
        Row(
            s3,
            "ア 地域医療・福祉",
            18,
            "地域医療提供体制の確保",
            "産科医等確保支援事業",
            "○産科医等確保支援事業\n・分娩手当を支援",
            "宇部市・美祢市",
            policy_field="(1) 生活機能の強化に係る政策分野",
        ),
        Row(s3, "ア 地域医療・福祉", 19, "", "", ""),
        Row(
            s3,
            "ア 地域公共交通",
            26,
            "地域公共交通対策",
            "利用促進",
            "○交通系ICカードの導入促進【新規】(１０/２３〜１１/５)",
            "山口市、防府市",
            policy_field="(2) 結びつきやネットワークの強化に係る政策分野",
        ),
    ]


def build(path, sheet: Sheet):
    """Write ``sheet`` as an xlsx at ``path`` and return the path."""
    workbook = openpyxl.Workbook()
    ws = workbook.active
    if sheet.notes_sheet_first:
        ws.title = "注記"
        ws["A1"] = "この表の注意事項"
        ws["A2"] = "取組"  # a stray label that is not the table's header
        ws = workbook.create_sheet(sheet.label or "資料")
    else:
        ws.title = sheet.label or "資料"
    r = 1
    for note in sheet.notes_above:
        ws.cell(r, 1, note)
        r += 1
    ws.cell(r, 1, sheet.title)
    ws.cell(r, 6, sheet.label)
    r += 1
    header = ["取組", None, "事業名", None, "事業の概要", sheet.results_header]
    if sheet.municipality_column:
        header.append("関係市町")
    for col, value in enumerate(header, start=1):
        ws.cell(r, col, value)
    r += 1
    write_rows(ws, sheet, r)
    workbook.save(path)
    return path


WIDE_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")


def band_text(sheet: Sheet, strategy: str) -> str:
    number, title = strategy.split(" ", 1)
    return sheet.band_format.format(number=number, wide=number.translate(WIDE_DIGITS), title=title)


def write_rows(ws, sheet: Sheet, r: int):
    last = {}
    seen_strategies = set()
    runs = {}  # column -> [first row, last row] of the cell being merged down
    width = 7 if sheet.municipality_column else 6

    def close_runs(cols):
        for col in cols:
            first, end = runs.pop(col, (0, 0))
            if sheet.merge_ranges and end > first:
                ws.merge_cells(start_row=first, start_column=col, end_row=end, end_column=col)

    for row in sheet.rows:
        if sheet.bands and row.strategy not in seen_strategies:
            close_runs(list(runs))
            seen_strategies.add(row.strategy)
            ws.cell(r, 1, band_text(sheet, row.strategy))
            if sheet.band_merged:
                ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=width)
            r += 1
            last = {}
        if row.policy_field:
            if sheet.merge_ranges and 1 in runs and last.get("strategy") == row.strategy:
                runs[1][1] = r  # the strategy's merge runs on over its policy rows
            else:
                ws.cell(r, 1, row.strategy)
                close_runs([1])
                runs[1] = [r, r]
            ws.cell(r, 2, row.policy_field)
            close_runs([2, 3, 4])
            r += 1
            last = {"strategy": row.strategy}
        values = {
            "strategy": row.strategy,
            "measure": row.measure,
            "project": (row.number, row.name),
        }
        cells = [
            row.strategy,
            row.measure,
            row.number,
            row.name,
            row.summary,
            row.results.replace("\n", sheet.newline),
        ]
        if sheet.merged:
            if last.get("strategy") == values["strategy"]:
                cells[0] = None
            if last.get("measure") == values["measure"]:
                cells[1] = None
            if last.get("project") == values["project"]:
                cells[2] = cells[3] = None
        for col, value in enumerate(cells, start=1):
            if value not in (None, ""):
                ws.cell(r, col, value)
        for col, key in ((1, "strategy"), (2, "measure"), (3, "project"), (4, "project")):
            if last.get(key) == values[key] and col in runs:
                runs[col][1] = r
            else:
                close_runs([col])
                runs[col] = [r, r]
        if sheet.municipality_column and row.municipalities:
            ws.cell(r, 7, row.municipalities)
        last = values
        r += 1
    close_runs(list(runs))
    return r


def tenfold(overview):
    """Every measure's projects ten times over: copies numbered +100, +200, … and renamed."""
    for measure in overview.measures():
        copies = []
        for k in range(1, 10):
            for project in measure.projects:
                twin = copy.deepcopy(project)
                twin.number = None if project.number is None else project.number + 100 * k
                twin.name = f"{project.name}(複製{k})"
                copies.append(twin)
        measure.projects += copies
    return overview
