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
        head = path_or_file.read(n)
        path_or_file.seek(0)
        return head
    with open(path_or_file, "rb") as handle:
        return handle.read(n)


def check_file(
    path_or_file, *, max_bytes=DEFAULT_MAX_BYTES, max_uncompressed=DEFAULT_MAX_UNCOMPRESSED
):
    """Refuse what is not a reasonably sized xlsx before openpyxl inflates it."""
    name = os.path.basename(str(getattr(path_or_file, "name", path_or_file)))
    try:
        if hasattr(path_or_file, "seek"):
            path_or_file.seek(0, 2)
            size = path_or_file.tell()
            path_or_file.seek(0)
        else:
            size = os.path.getsize(path_or_file)
    except OSError as exc:
        raise WorkbookError(
            [Problem(f"ファイルを開けません ({exc.strerror or exc})。", code="unreadable")]
        ) from exc
    if size > max_bytes:
        raise WorkbookError(
            [
                Problem(
                    f"ファイルが大きすぎます ({size:,} バイト、上限 {max_bytes:,} バイト)。",
                    code="too_large",
                )
            ]
        )
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
        raise WorkbookError(
            [Problem(f"Excel ブック (.xlsx) ではありません: {name}", code="not_xlsx")]
        ) from exc
    finally:
        if hasattr(path_or_file, "seek"):
            path_or_file.seek(0)
    if "xl/workbook.xml" not in names or "[Content_Types].xml" not in names:
        raise WorkbookError(
            [Problem(f"Excel ブック (.xlsx) ではありません: {name}", code="not_xlsx")]
        )
    if inflated > max_uncompressed:
        raise WorkbookError(
            [
                Problem(
                    f"展開後のサイズが大きすぎます ({inflated:,} バイト、上限 {max_uncompressed:,} バイト)。",
                    code="too_large_uncompressed",
                )
            ]
        )
