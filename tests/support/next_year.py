"""The R2 workbook edited in code as the secretariat would for 令和3年度, and what importing it
after R2 must report."""

import openpyxl

R3_LINES = [
    "前年度 (令和2年度) の事業との対応: 対応 28、番号変更 2、名称変更 1、新規 1、終了 1",
    "  番号変更: 5 企業連携・企業誘致等の推進 → 8 企業連携・企業誘致等の推進",
    "  番号変更: 博覧会の開催 → 9 博覧会の開催",
    "  名称変更: 2 起業・創業支援 → 2 起業・創業・事業承継支援",
    "  新規 (前年度になし): 31 デジタル人材の育成",
    "  終了 (今年度になし): 3 ビジネスマッチング・連携の支援",
    "実績項目: 前年度の項目と対応 81、前年度に対応のない項目 2",
]


def build_next_year(source, dest):
    """The R2 workbook edited as the secretariat would for 令和3年度: statuses move on, a
    project is dropped (3) and one added (31), one renumbered (5 → 8), one unnumbered project
    gets a number (博覧会の開催 → 9), one renamed (2), activity text reworded; project 22 goes
    from △ to ●."""
    wb = openpyxl.load_workbook(source)
    ws = wb.active
    ws["A1"] = "令和3年度連携事業概要及び実績見込み"
    ws["F4"] = ws["F4"].value.replace(
        "△山口県中央連携都市圏域ビジョン懇談会の開催(3月頃)",
        "●山口県中央連携都市圏域ビジョン懇談会の開催(6/10)",
    )
    for col in "CDEF":
        ws[f"{col}6"] = None
    ws["D5"] = "起業・創業・事業承継支援"
    ws["C8"] = "8"
    ws["C17"] = "9"
    ws["F10"] = (
        ws["F10"]
        .value.replace("△圏域を周遊", "○圏域を周遊")
        .replace("(10/23 SLモニターツアー開催予定)", "(11/5 SLモニターツアー開催)")
        .replace("○地域ガイドのスキルアップ研修", "●地域ガイドのスキルアップ研修会")
        .replace("△ジオパーク資源を活用した連携事業", "△ジオパークを巡る周遊企画")
    )
    ws["F32"] = "●若者の交流の場づくりの検討"
    ws["C47"], ws["D47"] = "31", "デジタル人材の育成"
    ws["E47"], ws["F47"] = (
        "デジタル人材育成講座の開催",
        "△デジタル人材育成講座の開催(10月頃)【新規】",
    )
    wb.save(dest)
    return dest
