"""What an activity's text loses when it is carried into the next year's draft (its 【新規】 tag
and its dates), and the keys under which lines and names of two years are compared."""

from __future__ import annotations

import re
import unicodedata

from .dates import parse_events
from .notation import strip_tags

# Where a date was removed; tidied away before the text is returned.
_GONE = "\x00"
# What may remain of a parenthesis once its dates are gone, for it to go as well:
# 「(3月頃)」「(11/29、2/20予定)」「(11月以降に実施予定)」.
_DATE_RESIDUE_RX = re.compile(
    r"予定|頃|ごろ|ころ|以降|開催|実施|から|まで|より|に|[~〜～∼、,・\s\x00]"
)
_PAREN_RX = re.compile(r"[(（]([^()（）]*)[)）]")
_EDGE = " \u3000、,・\x00"
_TIDY = (
    (re.compile(r"\x00[ \t]*(?:予定|に|から|まで)"), _GONE),  # 「10月23日に開催」 → 「開催」
    (re.compile(r"(?<=[、,])[ \u3000]*\x00[ \u3000]*[、,]"), ""),  # 「A、(date)、B」 → 「A、B」
    (re.compile(r"(?<=[、,])[ \u3000]*\x00[ \u3000]*"), ""),  # 「A、(date) B」 → 「A、B」
    (re.compile(r"^[ \u3000]*\x00[ \u3000]*[、,]?|[、,]?[ \u3000]*\x00[ \u3000]*$"), ""),
)


def strip_dates(text: str, fiscal_year: int) -> str:
    """``text`` without its date expressions, and without parentheses left holding only what
    went with the dates: 「懇談会の開催(3月頃)」 → 「懇談会の開催」,
    「ツアーの実施(10/23 SL開催予定)」 → 「ツアーの実施(SL開催予定)」. Everything else is kept."""
    spans, pos = [], 0
    for event in parse_events(text, fiscal_year):
        start = text.find(event.source, pos)
        if start < 0:  # a list of days yields one event per day, all with the same source
            continue
        spans.append((start, start + len(event.source)))
        pos = start + len(event.source)
    if not spans:
        return text
    kept, last = [], 0
    for start, end in spans:
        kept.append(text[last:start] + _GONE)
        last = end
    marked = "".join(kept) + text[last:]
    for rx, replacement in _TIDY:
        marked = rx.sub(replacement, marked)
    marked = _PAREN_RX.sub(_tidy_parenthesis, marked)
    return marked.replace(_GONE, "")


def _tidy_parenthesis(m: re.Match) -> str:
    """A parenthesis that lost a date: gone if nothing else is left, else trimmed."""
    inner = m.group(1)
    if _GONE not in inner:
        return m.group(0)
    if not _DATE_RESIDUE_RX.sub("", inner):
        return ""
    return m.group(0)[0] + inner.strip(_EDGE) + m.group(0)[-1]


def carry_over_text(text: str, fiscal_year: int) -> str:
    """An activity's text for next year: no 【新規】 tag and no dates; the rest verbatim."""
    stripped = strip_dates(text.replace("【新規】", ""), fiscal_year)
    return stripped or text


def carry_over_details(details: list[str], fiscal_year: int) -> list[str]:
    """Detail lines without dates; a line left with nothing but its 「・」 is dropped."""
    lines = [strip_dates(line, fiscal_year) for line in details]
    return [line for line in lines if line.strip(" \u3000・･")]


def activity_key(text: str, fiscal_year: int) -> str:
    """What must stay the same for two lines to be the same item: the text without tags,
    dates, spaces and punctuation, with full- and half-width forms folded."""
    text = unicodedata.normalize("NFKC", strip_dates(strip_tags(text), fiscal_year))
    return "".join(ch for ch in text if unicodedata.category(ch)[0] not in "PSZ")


def name_key(name: str) -> str:
    """A project name with widths folded and spaces removed, for comparing names."""
    return "".join(unicodedata.normalize("NFKC", name).split())
