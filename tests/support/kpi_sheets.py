"""KPI (成果指標) workbooks built in code: the usual sheet (◎○△×, 〃, ▲, units inside numbers)
and another area's variant (A–D with score thresholds, its own column set, merged cells,
number cells, the legend above the table)."""

import io

import openpyxl

TITLE = "【参考】成果指標評価・検証一覧（令和4年度）"
HEADER = [
    "分野",
    "No.",
    "成果指標",
    "策定時",
    "R2",
    "R3",
    "R4",
    "R5",
    "R6",
    "目標値",
    "調査時点",
    "評価",
    "担当市町",
]
ROWS = [
    [
        "圏域全体の経済成長のけん引",
        "1",
        "圏域内観光入込客数（万人）",
        "1,520（H30）",
        "1,010",
        "1,188",
        "(集計中)",
        "―",
        "―",
        "1,600（R6）",
        "R3年1月～12月",
        "△",
        "山口市・宇部市",
    ],
    [
        "〃",
        "2",
        "創業支援件数（件・累計）",
        "45（R元年度）",
        "52",
        "101",
        "148",
        "―",
        "―",
        "策定時より上昇",
        "R4年度",
        "◎",
        "各市町",
    ],
    [
        "高次の都市機能の集積・強化",
        "3",
        "社会増減（人）",
        "▲899（R元）",
        "▲１２１",
        "▲322",
        "▲40",
        "―",
        "―",
        "±0",
        "R4年10月∼R5年9月",
        "○",
        "圏域全体",
    ],
    [
        "〃",
        "4",
        "圏域の製造品出荷額",
        "9兆1,400億円（H30）",
        "9兆2,000億円",
        "-",
        "(集計中)",
        "―",
        "―",
        "9兆5,000億円（R6）",
        "R2年1月~12月",
        "",
        "宇部市、山陽小野田市",
    ],
    [
        "圏域全体の生活関連機能サービスの向上",
        "5",
        "待機児童数（人）",
        "120（R元年度）",
        "98",
        "60",
        "35",
        "―",
        "―",
        "0（R6）",
        "R5年4月1日",
        "○",
        "山口市",
    ],
]
LEGEND = "凡例：◎目標達成　○概ね順調　△遅れ　×未着手"


def usual(rows=None, legend=LEGEND, title=TITLE, header=None, gap_after=None) -> bytes:
    """The usual sheet; ``gap_after=n`` leaves a blank row and a sub-heading after the n-th
    indicator (the next ones further down)."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "成果指標"
    sheet["A1"] = title
    sheet.merge_cells("A1:M1")
    for c, text in enumerate(header or HEADER, 1):
        sheet.cell(3, c, text)
    rows = ROWS if rows is None else rows
    r = 4
    for index, row in enumerate(rows):
        for c, text in enumerate(row, 1):
            if text != "":
                sheet.cell(r, c, text)
        r += 1
        if gap_after == index + 1:
            sheet.cell(r + 1, 1, "（以下、令和3年度に追加した指標）")
            r += 2
    if legend:
        sheet.cell(r + 1, 1, legend)
    sheet.column_dimensions["C"].width = 36
    workbook.create_sheet("メモ")["A1"] = "作業用"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


OTHER_TITLE = "令和3年度 連携中枢都市圏ビジョン 重要業績評価指標（KPI）の達成状況"
OTHER_LEGEND = "評価基準：A 達成率86%以上　B 達成率60%以上　C 達成率30%以上　D 達成率30%未満"
OTHER_HEADER = [
    "基本目標",
    "施策",
    "指標番号",
    "指標名",
    "単位",
    "基準値",
    "基準年度",
    "令和2年度",
    "令和3年度",
    "目標値",
    "目標年度",
    "評価",
    "担当",
    "関連事業",
]
OTHER_ROWS = [
    [
        "1 圏域全体の経済成長のけん引",
        "ア",
        1,
        "新規雇用者数（累計）",
        "人",
        0,
        "R元年度",
        120,
        260,
        500,
        "R6",
        "B",
        "全市町",
        "1・2",
    ],
    [
        None,
        None,
        2,
        "観光消費額",
        "億円",
        410.5,
        "H30",
        300,
        "(集計中)",
        450,
        "R6",
        "D",
        "萩市・美祢市",
        "5",
    ],
    [
        "3 圏域全体の生活関連機能サービスの向上",
        "ア",
        3,
        "市町間の図書館相互利用冊数",
        "冊",
        12000,
        "R元年度",
        13500,
        15000,
        15000,
        "R6",
        "A",
        "山口市、防府市、津和野町",
        None,
    ],
]


def other(rows=None, legend=OTHER_LEGEND, title=OTHER_TITLE) -> bytes:
    """Another area: title and legend above the header, merged 基本目標/施策 cells."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "KPI"
    sheet["B1"] = title
    if legend:
        sheet["B2"] = legend
    for c, text in enumerate(OTHER_HEADER, 1):
        sheet.cell(4, c, text)
    rows = OTHER_ROWS if rows is None else rows
    for r, row in enumerate(rows, 5):
        for c, value in enumerate(row, 1):
            if value is not None:
                sheet.cell(r, c, value)
    if rows is OTHER_ROWS:
        sheet.merge_cells("A5:A6")
        sheet.merge_cells("B5:B6")
    sheet.cell(5 + len(rows) + 1, 1, "※達成率＝(実績値－基準値)÷(目標値－基準値)")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
