"""What text a cell may hold, so that every export opens in every consumer (pure standard library).

- Control characters other than line breaks and tabs (U+0000–U+001F, U+007F) cannot be written
  to an xlsx (XML 1.0 forbids most of them) and PostgreSQL refuses NUL: they are refused on every
  way in, with where they are.
- Excel stores at most 32,767 characters in a cell.
- The xlsx format escapes characters as ``_xHHHH_``: Excel reads ``_x0041_`` typed in a cell
  as "A" unless the underscore is itself escaped (``_x005F_``). Text is escaped on the way out
  and unescaped on the way in, as Excel does, so that a literal ``_x0000_`` reads back as typed.
"""

from __future__ import annotations

import re

CELL_LIMIT = 32_767
# C0 controls but tab, line feed and carriage return; DEL; the C1 controls.
_CONTROL_RX = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_ESCAPED_RX = re.compile("_x([0-9A-Fa-f]{4})_")


def control_character(text: str) -> str | None:
    """The first control character of ``text`` that no cell may hold (\\n \\r \\t are fine)."""
    found = _CONTROL_RX.search(text)
    return found.group() if found else None


def describe_character(char: str) -> str:
    """「NUL (U+0000)」, 「制御文字 U+0001」: how a message names a refused character."""
    code = f"U+{ord(char):04X}"
    return f"NUL ({code})" if char == "\x00" else f"制御文字 {code}"


def problem(text: str) -> str | None:
    """Why ``text`` cannot be a cell, in Japanese, or None when it can."""
    char = control_character(text)
    if char is not None:
        at = text.index(char) + 1
        return f"{describe_character(char)} は使えません ({at:,} 文字目)。"
    if len(text) > CELL_LIMIT:
        return f"{len(text):,} 文字あります。Excel のセルに入るのは {CELL_LIMIT:,} 文字までです。"
    return None


def escape_ooxml(text: str) -> str:
    """Escape the underscore of each literal ``_xHHHH_`` so that Excel shows it as typed."""
    if "_x" not in text:
        return text
    return _ESCAPED_RX.sub(lambda m: f"_x005F_x{m.group(1)}_", text)


def unescape_ooxml(text: str) -> str:
    """Read ``_xHHHH_`` escapes as Excel does (``_x005F_x0041_`` is the text ``_x0041_``)."""
    if "_x" not in text:
        return text
    return _ESCAPED_RX.sub(lambda m: chr(int(m.group(1), 16)), text)
