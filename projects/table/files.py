"""Checks a workbook file must pass before openpyxl reads it (size, kind, zip structure,
inflated size), and the words for every way a file can fail to be a readable workbook.

XML inside the package is parsed by openpyxl through defusedxml (installed with the project),
which refuses entity declarations; these checks stop what would cost memory before that. An old
.xls or an encrypted workbook (both OLE2 compound files) is told how to save it again as .xlsx.
"""

from __future__ import annotations

import os
import zipfile

from defusedxml import DefusedXmlException

from .model import Problem

OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_SIGNATURE = b"PK"
ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
SAVE_AS_XLSX = "「名前を付けて保存」で「Excel ブック (*.xlsx)」を選んで保存し直してください。"

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_MAX_UNCOMPRESSED = 200 * 1024 * 1024
MB = 1024 * 1024
MAKE_SMALLER = (
    "画像や使っていないシートを削除して Excel で保存し直すか、表のシートだけを新しいブックに"
    "コピーしてから、もう一度選んでください。"
)


def megabytes(size: int) -> str:
    """A size as people read it: 「12.3 MB」 (「0.005 MB」 for a few kilobytes)."""
    value = size / MB
    if value >= 10:
        return f"{value:,.0f} MB"
    if value >= 0.1:
        return f"{value:.1f} MB"
    return f"{value:.3f}".rstrip("0").rstrip(".") + " MB" if value else "0 MB"


def too_large(size: int, limit: int) -> str:
    return f"ファイルが大きすぎます ({megabytes(size)}、上限 {megabytes(limit)})。{MAKE_SMALLER}"


def empty_file(name: str = "") -> str:
    where = f": {name}" if name else ""
    return (
        f"ファイルが空です (0 バイト){where}。保存が終わる前に選んだか、別のファイルを選んだ"
        "おそれがあります。資料の Excel ブック (.xlsx) を選び直してください。"
    )


def not_xlsx(name: str, head: bytes) -> WorkbookError:
    """Not a workbook: a text file (a CSV) renamed to .xlsx, or anything else."""
    if looks_like_text(head):
        why = (
            "中身はテキスト (CSV など) で、名前だけが .xlsx になっています。名前を変えただけでは"
            " Excel ブックになりません。Excel で開き、"
        )
    else:
        why = "Excel で開けるか確かめ、"
    return refuse(f"Excel ブック (.xlsx) ではありません: {name}。{why}{SAVE_AS_XLSX}", "not_xlsx")


def looks_like_text(head: bytes) -> bool:
    if not head or b"\0" in head:
        return False
    for encoding in ("utf-8", "cp932"):
        try:
            head.decode(encoding)
            return True
        except UnicodeDecodeError:
            continue
    return False


class WorkbookError(Exception):
    """The file cannot be read as a 資料 workbook at all (not xlsx, too large, no header…)."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def refuse(message: str, code: str) -> WorkbookError:
    return WorkbookError([Problem(message, code=code)])


def damaged(name: str = "") -> WorkbookError:
    where = f": {os.path.basename(name)}" if name else ""
    return refuse(
        f"ブックが壊れているため読めません{where}。Excel で開けるか確かめ、保存し直してください。",
        "damaged",
    )


def entities_refused() -> WorkbookError:
    return refuse(
        "ブックの XML に実体参照 (ENTITY 宣言) があります。安全のため、実体参照を含むファイルは"
        "受け付けません。Excel で保存し直したブックを使ってください。",
        "entities",
    )


def unreadable(exc: BaseException, name: str = "") -> WorkbookError:
    """What to say when openpyxl (or the XML parser under it) fails on a file that passed
    ``check_file``: refused entity references, else a damaged workbook. No exception names."""
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, DefusedXmlException):
            return entities_refused()
        cause = cause.__cause__ or cause.__context__
    return damaged(name)


def ole2_kind(path_or_file) -> WorkbookError:
    """An OLE2 compound file: a workbook encrypted with a password, or one in the old .xls."""
    name = os.path.basename(str(getattr(path_or_file, "name", path_or_file)))
    if hasattr(path_or_file, "read"):
        data = path_or_file.read()
        path_or_file.seek(0)
    else:
        with open(path_or_file, "rb") as handle:
            data = handle.read()
    if ENCRYPTED_STREAM in data:
        return refuse(
            f"パスワードで保護 (暗号化) されたブックは読めません: {name}。"
            f"Excel でパスワードを解除し、{SAVE_AS_XLSX}",
            "encrypted",
        )
    return refuse(
        f"古い形式の Excel ブック (.xls) は読めません: {name}。Excel で開き、{SAVE_AS_XLSX}",
        "old_xls",
    )


def first_bytes(path_or_file, n: int = 8) -> bytes:
    if hasattr(path_or_file, "read"):
        path_or_file.seek(0)
        head = path_or_file.read(n)
        path_or_file.seek(0)
        return head
    with open(path_or_file, "rb") as handle:
        return handle.read(n)


def file_size(path_or_file) -> int:
    """The size in bytes of a path or a file object (left at its start); a WorkbookError when
    it cannot be opened."""
    try:
        if hasattr(path_or_file, "seek"):
            path_or_file.seek(0, 2)
            size = path_or_file.tell()
            path_or_file.seek(0)
            return size
        return os.path.getsize(path_or_file)
    except OSError as exc:
        raise WorkbookError(
            [Problem(f"ファイルを開けません ({exc.strerror or exc})。", code="unreadable")]
        ) from exc


def check_file(
    path_or_file, *, max_bytes=DEFAULT_MAX_BYTES, max_uncompressed=DEFAULT_MAX_UNCOMPRESSED
):
    """Refuse what is not a reasonably sized xlsx before openpyxl inflates it."""
    name = os.path.basename(str(getattr(path_or_file, "name", path_or_file)))
    size = file_size(path_or_file)
    if size == 0:
        raise refuse(empty_file(name), "empty")
    if size > max_bytes:
        raise refuse(too_large(size, max_bytes), "too_large")
    head = first_bytes(path_or_file)
    if head.startswith(OLE2_SIGNATURE):
        raise ole2_kind(path_or_file)
    try:
        with zipfile.ZipFile(path_or_file) as archive:
            names = set(archive.namelist())
            inflated = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        if head.startswith(ZIP_SIGNATURE):
            raise damaged(name) from exc
        raise not_xlsx(name, first_bytes(path_or_file, 512)) from exc
    finally:
        if hasattr(path_or_file, "seek"):
            path_or_file.seek(0)
    if "xl/workbook.xml" not in names or "[Content_Types].xml" not in names:
        raise not_xlsx(name, b"")
    if inflated > max_uncompressed:
        raise refuse(
            f"ブックを展開すると大きすぎます (展開後 {megabytes(inflated)}、上限 "
            f"{megabytes(max_uncompressed)})。圧縮を解くと極端に大きくなるファイルは、安全のため"
            f"受け付けません。{MAKE_SMALLER}",
            "too_large_uncompressed",
        )
