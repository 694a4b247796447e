"""A later edition of the 資料, built in code, that differs from the 令和2年度 workbook in every
way the family of files does: another sheet name and a notes sheet before it, a note above the
title, the title lower down and a note row above the header, separate 番号 and 事業名 columns,
関係市町 between 事業の概要 and the results with a value of its own on each row, the legend in
the other word order, hierarchy cells repeated on every row instead of merged, numbers written
as text, band rows without merges, a blank row inside the table, a note below it, other column
widths, B4 paper, print titles, a frozen pane, a page break before each strategy and a footer
with the document label and 「1 / N」."""

from __future__ import annotations

import openpyxl
from openpyxl.worksheet.pagebreak import Break

LATER_TITLE = "令和3年度連携事業概要及び実績"
LATER_LABEL = "資料2"
LATER_SHEET = "R3連携事業"
LATER_HEADER = "事業の実績\n（実施済みは●、実施中は○、実施予定は△、中止は■）"
LATER_LEGEND = {
    "done": "実施済み",
    "in_progress": "実施中",
    "planned": "実施予定",
    "cancelled": "中止",
}
HEADER_ROW = 5
COLUMNS = ["取組", "施策", "番号", "事業名", "事業の概要", "関係市町", LATER_HEADER]
WIDTHS = [14.0, 20.0, 5.0, 22.0, 30.0, 14.0, 90.0]
FOOTER = "&L資料2&C&P / &N"
S1 = "1 圏域全体の経済成長のけん引"
S2 = "2 高次の都市機能の集積・強化"
S3 = "3 圏域全体の生活関連機能サービスの向上"
POLICY_1 = "(1) 生活機能の強化に係る政策分野"
POLICY_2 = "(2) 結びつきやネットワークの強化に係る政策分野"

# (strategy, measure, number, name, summary, 関係市町, results); a str row is a policy field
BODY = [
    (
        S1,
        "ア 経済戦略の策定及び推進",
        "1",
        "山口県中央連携都市圏域ビジョンの推進",
        "推進協議会・ビジョン懇談会の開催",
        "全市町",
        "△ビジョン懇談会の開催(3月頃)\n○幹事会の開催\n・第1回幹事会(5/21)、第2回幹事会(10/14)",
    ),
    (
        S1,
        "イ 戦略産業の育成",
        "2",
        "起業・創業支援",
        "セミナーの開催",
        "山口市、宇部市",
        "●創業セミナーの開催(11/12・13)【新規】\n○相談窓口の運営",
    ),
    (S1, "イ 戦略産業の育成", "2", "起業・創業支援", "交流会の実施", "宇部市", "■交流会の実施"),
    (
        S1,
        "エ 戦略的な観光施策の展開",
        "7",
        "広域観光連携",
        "都市間ツーリズムの促進",
        "全市町",
        "△モニターツアーの実施(12/5・12)",
    ),
    (
        S1,
        "エ 戦略的な観光施策の展開",
        "7",
        "広域観光連携",
        "DMO体制構築の推進",
        "全市町",
        "○DMOの運営支援",
    ),
    (
        S1,
        "エ 戦略的な観光施策の展開",
        "7",
        "広域観光連携",
        "インバウンド誘客推進事業",
        "全市町",
        "○インバウンド誘客プロモーション事業",
    ),
    (
        S1,
        "エ 戦略的な観光施策の展開",
        "7",
        "広域観光連携",
        "産業観光の推進",
        "宇部市、美祢市、山陽小野田市",
        "○産業観光推進事業の推進",
    ),
    (
        S2,
        "ア 高度な医療サービスの提供体制構築の支援",
        "13",
        "高度な医療サービスの提供に向けた連携",
        "二次救急医療体制の確保",
        "山口市",
        "○二次救急医療体制の確保に向けた運営支援",
    ),
    POLICY_1,
    (
        S3,
        "ア 地域医療・福祉",
        "18",
        "地域医療提供体制の確保",
        "産科医等確保支援事業",
        "宇部市・美祢市",
        "○産科医等確保支援事業\n・分娩手当を支援",
    ),
    POLICY_2,
    (
        S3,
        "ア 地域公共交通",
        "26",
        "地域公共交通対策",
        "利用促進",
        "山口市、防府市",
        "○交通系ICカードの導入促進【新規】(１０/２３〜１１/５)",
    ),
]
BLANK_BEFORE = S3  # a blank row before this strategy's band
NOTES = {
    1: "※ 令和3年12月1日現在の見込みです。",
    4: "【注】関係市町の「全市町」は圏域の7市町すべてです。",
}
TAIL_NOTE = "※ 【新規】は令和3年度から始めた取組です。"


def build_later_edition(path):
    """Write the later edition at ``path``; returns the path."""
    workbook = openpyxl.Workbook()
    workbook.active.title = "注記"
    workbook.active["A1"] = "この資料の注意事項"
    ws = workbook.create_sheet(LATER_SHEET)
    for row, note in NOTES.items():
        ws.cell(row, 1, note)
    ws.cell(3, 1, LATER_TITLE)
    ws.merge_cells(start_row=3, start_column=1, end_row=3, end_column=6)
    ws.cell(3, 7, LATER_LABEL)
    for col, label in enumerate(COLUMNS, start=1):
        ws.cell(HEADER_ROW, col, label)
    ws.row_dimensions[3].height = 28
    ws.row_dimensions[HEADER_ROW].height = 40
    row, strategy, breaks = HEADER_ROW + 1, None, []
    for entry in BODY:
        current = S3 if isinstance(entry, str) else entry[0]
        if current != strategy:
            if strategy is not None:
                breaks.append(row - 1)
            if current == BLANK_BEFORE:
                row += 1
            strategy = current
            ws.cell(row, 1, current.split(" ", 1)[1])  # the band, not merged
            row += 1
        if isinstance(entry, str):
            ws.cell(row, 1, strategy)
            ws.cell(row, 2, entry)
        else:
            for col, value in enumerate(entry[:5], start=1):
                ws.cell(row, col, value)
            ws.cell(row, 6, entry[5])
            ws.cell(row, 7, entry[6])
        row += 1
    ws.cell(row + 1, 1, TAIL_NOTE)
    for col, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[openpyxl.utils.get_column_letter(col)].width = width
    for after in breaks:
        ws.row_breaks.append(Break(id=after))
    ws.page_setup.paperSize = 12  # B4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    ws.oddFooter.left.text = "資料2"
    ws.oddFooter.center.text = "&P / &N"
    workbook.save(path)
    return path
