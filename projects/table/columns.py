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


RESULTS_WORDS = ("実績", "実施状況", "取組状況", "進捗状況", "実施結果")
# The labels the header row needs, each with the wordings that count as it (compared squashed).
REQUIRED_LABELS = {
    "strategy": "取組",
    "name": "事業名",
    "summary": "事業の概要",
    "results": "事業の実績",
}
RESULTS_WORDING = "実績・実績見込み・実施状況・取組状況・進捗状況"


def is_results(label: str) -> bool:
    """A results column's label: 事業の実績見込み, 事業の実績, 実施状況, 令和5年度の実施状況,
    取組状況, 進捗状況 … (the legend may stand before or after the wording)."""
    return any(word in label for word in RESULTS_WORDS)


def first_column(labels: dict[str, int], *prefixes: str, taken=()) -> int | None:
    return next(
        (c for lab, c in labels.items() if lab.startswith(prefixes) and c not in taken), None
    )


def header_labels(row: tuple) -> dict[str, int]:
    """Which of the required labels a row holds: {role: column (0-based)}."""
    labels = {
        squash(v): col
        for col, v in enumerate(row)
        if v is not None and squash(v) and not is_english(squash(v))
    }
    found = {}
    results = next((c for lab, c in labels.items() if is_results(lab)), None)
    if results is not None:
        found["results"] = results
    summary = first_column(labels, "事業の概要", "事業概要", "概要", taken=(results,))
    if summary is not None:
        found["summary"] = summary
    strategy = first_column(labels, "取組", taken=(results, summary))
    if strategy is not None:
        found["strategy"] = strategy
    name = first_column(labels, "事業名", "事業", taken=(results, summary, strategy))
    if name is not None:
        found["name"] = name
    return found


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
        found = header_labels(row)
        if len(found) < len(REQUIRED_LABELS):
            continue
        strategy, name = found["strategy"], found["name"]
        summary, results = found["summary"], found["results"]
        every = {squash(v): col for col, v in enumerate(row) if v is not None}
        labels = {lab: c for lab, c in every.items() if not is_english(lab)}
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


def best_header_guess(rows: list[tuple]) -> tuple[int, dict[str, int]]:
    """The row (0-based) holding most of the required labels, with those it holds; (-1, {})
    when no row holds any."""
    best = (-1, {})
    for index, row in enumerate(rows):
        found = header_labels(row)
        if len(found) > len(best[1]):
            best = (index, found)
    return best


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
