"""The 資料 as a PDF for the meeting: WeasyPrint renders the print view's HTML (``html``) on the
edition's paper, with real text in an embedded Japanese font (Noto Sans CJK JP).

The page comes from the edition's print set-up (``layout``): paper and orientation, margins,
and the header and footer with Excel's codes (``&P / &N`` → 「1 / N」); a page number is printed
even where the edition has none. The header rows repeat on every page (``thead``) and a new page
starts where the workbook breaks (each strategy, in the 令和2年度 form).

WeasyPrint needs Debian's pango (``libpango-1.0-0``, ``libpangoft2-1.0-0``) and the fonts come
from ``fonts-noto-cjk``; ``missing()`` says which of them is not there.
"""

from __future__ import annotations

import functools
import re
import shutil
import subprocess

from .layout import Layout

FONT_FAMILY = "Noto Sans CJK JP"
# Excel's paperSize codes (ECMA-376 18.3.1.63) and the CSS page size of each.
PAPER = {"8": "297mm 420mm", "9": "210mm 297mm", "11": "148mm 210mm", "12": "257mm 364mm"}
PAPER.update({"13": "182mm 257mm", "1": "8.5in 11in", "5": "8.5in 14in"})
BOXES = {"Header": "top", "Footer": "bottom"}
SECTIONS = {"L": "left", "C": "center", "R": "right"}
_CODE_RX = re.compile(r'&(&|"[^"]*"|\d+|[A-Za-z])')
INSTALL_HINT = "pip install weasyprint (Debian: apt-get install libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk)"


class PdfUnavailable(Exception):
    """The PDF cannot be made here; the message says what is missing (Japanese)."""


@functools.cache
def missing() -> str | None:
    """What this machine lacks to make the PDF, in Japanese, or None."""
    try:
        import weasyprint  # noqa: F401  (loads pango when imported)
    except (ImportError, OSError) as exc:
        return f"PDF の作成に必要な WeasyPrint または pango がありません ({exc})。{INSTALL_HINT}"
    if shutil.which("fc-list") is None:
        return f"フォントを探す fontconfig (fc-list) がありません。{INSTALL_HINT}"
    found = subprocess.run(
        ["fc-list", FONT_FAMILY, "family"], capture_output=True, text=True, check=False
    ).stdout
    if FONT_FAMILY not in found:
        return f"日本語のフォント {FONT_FAMILY} がありません。apt-get install fonts-noto-cjk"
    return None


def css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\a ") + '"'


def header_footer_content(code: str, sheet: str) -> dict[str, str]:
    """Excel's header or footer text (``&L…&C…&R…``) as CSS ``content`` per section."""
    parts: dict[str, list[str]] = {}
    section, literal = "C", []

    def flush():
        if literal:
            parts.setdefault(section, []).append(css_string("".join(literal)))
            literal.clear()

    position = 0
    for match in _CODE_RX.finditer(code):
        literal.append(code[position : match.start()])
        position = match.end()
        token = match.group(1)
        if token == "&":
            literal.append("&")
        elif token.upper() in SECTIONS:
            flush()
            section = token.upper()
        elif token.upper() in ("P", "N", "A"):
            flush()
            word = {"P": "counter(page)", "N": "counter(pages)", "A": css_string(sheet)}
            parts.setdefault(section, []).append(word[token.upper()])
        # fonts (&"…"), sizes (&12), bold and the like, dates and file names: not printed
    literal.append(code[position:])
    flush()
    return {SECTIONS[k]: " ".join(v) for k, v in parts.items() if v}


def page_css(layout: Layout, widths: list[float]) -> str:
    """@page rules from the edition's print set-up, and the columns' relative widths."""
    settings = layout.print
    setup = settings.get("page_setup", {})
    size = PAPER.get(str(setup.get("paperSize", "8")), PAPER["8"])
    if setup.get("orientation", "landscape") == "landscape":
        size = " ".join(reversed(size.split()))
    margins = {"top": 0.6, "right": 0.4, "bottom": 0.6, "left": 0.4}
    margins.update({k: v for k, v in settings.get("margins", {}).items() if k in margins})
    boxes = []
    header_footer = settings.get("header_footer", {})
    for kind, edge in BOXES.items():
        for section, content in header_footer_content(
            header_footer.get(f"odd{kind}", ""), layout.sheet
        ).items():
            boxes.append(f"@{edge}-{section} {{ content: {content}; }}")
    if not any("counter(page)" in box for box in boxes):
        boxes.append('@bottom-center { content: counter(page) " / " counter(pages); }')
    margin = " ".join(f"{margins[k]}in" for k in ("top", "right", "bottom", "left"))
    total = sum(widths) or 1
    columns = "\n".join(
        f"table.shiryo col.c{number} {{ width: {100 * width / total:.2f}%; }}"
        for number, width in enumerate(widths, start=1)
    )
    return f"@page {{ size: {size}; margin: {margin}; {' '.join(boxes)} }}\n{columns}\n"


def write_pdf(html: str, *, layout: Layout, widths: list[float], stylesheets=(), base_url=None):
    """The PDF of ``html`` (a whole document) on the edition's pages. Raises PdfUnavailable."""
    if reason := missing():
        raise PdfUnavailable(reason)
    import weasyprint

    sheets = [weasyprint.CSS(filename=str(path)) for path in stylesheets]
    sheets.append(weasyprint.CSS(string=page_css(layout, widths)))
    return weasyprint.HTML(string=html, base_url=base_url).write_pdf(stylesheets=sheets)
