"""Checks a workbook file must pass before openpyxl reads it: size, zip structure, inflated size.

XML inside the package is parsed by openpyxl through defusedxml (installed with the project),
which refuses entity declarations; these checks stop what would cost memory before that.
"""

from __future__ import annotations

import os
import zipfile

from .model import Problem

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_MAX_UNCOMPRESSED = 200 * 1024 * 1024


class WorkbookError(Exception):
    """The file cannot be read as a 資料 workbook at all (not xlsx, too large, no header…)."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


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
    try:
        with zipfile.ZipFile(path_or_file) as archive:
            names = set(archive.namelist())
            inflated = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
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
