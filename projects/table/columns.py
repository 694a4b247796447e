"""Finding the table in a sheet: the header row by its labels, which column holds what, and
the title and document label above it.

Labels vary between editions (「事業名」 or 「事業」, 「事業の実績見込み」 or 「事業の実績」, a
「関係市町」 column anywhere); they are compared with spaces and line breaks removed and
full-width forms folded.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


def squash(value) -> str:
    """A header label compared without spaces or line breaks and with full-width folded."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value or "")))


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@dataclass
class Columns:
    header_row: int
    strategy: int
    measure: int | None
    number: int | None
    name: int
    summary: int
    results: int
    municipalities: int | None = None
    # Optional English columns (「事業名 (英語)」/「English name」, 「概要 (英語)」/「English summary」).
    name_en: int | None = None
    summary_en: int | None = None

    def span(self) -> int:
        return max(c for c in vars(self).values() if c is not None) + 1


def first_column(labels: dict[str, int], *prefixes: str) -> int | None:
    return next((c for lab, c in labels.items() if lab.startswith(prefixes)), None)


def is_english(label: str) -> bool:
    return "英語" in label or label.casefold().startswith("english")


def english_columns(labels: dict[str, int]) -> tuple[int | None, int | None]:
    """(English name, English summary) columns among the header's labels, if any."""
    english = {lab: c for lab, c in labels.items() if is_english(lab)}
    summary = [c for lab, c in english.items() if "概要" in lab or "summary" in lab.casefold()]
    names = [c for c in english.values() if c not in summary]
    return (names or [None])[0], (summary or [None])[0]


def find_columns(rows: list[tuple]) -> Columns | None:
    """Locate the header row by its labels and map each column (0-based)."""
    for index, row in enumerate(rows):
        every = {squash(v): col for col, v in enumerate(row) if v is not None}
        labels = {lab: c for lab, c in every.items() if not is_english(lab)}
        strategy = first_column(labels, "取組")
        results = first_column(labels, "事業の実績", "事業実績", "実績")
        name = first_column(labels, "事業名", "事業")
        summary = first_column(labels, "事業の概要", "事業概要", "概要")
        if (
            None in (strategy, results, name, summary)
            or len({strategy, results, name, summary}) < 4
        ):
            continue
        measure = first_column(labels, "施策")
        if measure is None and name - strategy >= 2:
            measure = strategy + 1
        number = first_column(labels, "番号", "No", "NO", "№", "事業番号")
        if number is None and summary - name >= 2:
            number, name = name, name + 1
        munis = next((c for lab, c in labels.items() if "関係市町" in lab or lab == "市町"), None)
        return Columns(
            index, strategy, measure, number, name, summary, results, munis, *english_columns(every)
        )
    return None


LABEL_RE = re.compile(r"資料\s*[0-9０-９]+(?:\s*[-－ー‐]\s*[0-9０-９]+)?")


def title_and_label(rows_above: list[tuple]) -> tuple[str, str]:
    """In the rows above the header: the title (the first text naming a 年度, preferring one
    about 事業) and the document label (「資料1-2」)."""
    label, candidates = "", []
    for values in rows_above:
        for value in values:
            text = cell_text(value).strip()
            found = LABEL_RE.search(text)
            if found and not label and len(text) <= len(found.group()) + 4:
                label = text
            elif "年度" in text:
                candidates.append(text)
    about_projects = [t for t in candidates if "事業" in t]
    return (about_projects or candidates or [""])[0], label


def cells_of(rows: list[tuple], texts: dict[str, str]) -> dict[str, str]:
    """Where each text stands in the rows (the first cell that reads so): {"title": "A1"}."""
    found = {}
    for index, values in enumerate(rows):
        for col, value in enumerate(values):
            for key, text in texts.items():
                if text and key not in found and cell_text(value).strip() == text:
                    found[key] = f"{column_letter(col)}{index + 1}"
    return found


def column_letter(col: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    col += 1
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters
