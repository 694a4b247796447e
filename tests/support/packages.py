"""Workbooks changed part by part, as a damaged, hostile or differently saved file would be."""

import zipfile


def rewritten(source, target, changes: dict, added: dict | None = None):
    """``source`` copied to ``target`` with each part named in ``changes`` passed through its
    function (bytes → bytes), and the parts of ``added`` appended; ``target``."""
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w") as out:
        for item in original.infolist():
            data = original.read(item.filename)
            if item.filename in changes:
                data = changes[item.filename](data)
            out.writestr(item, data)
        for name, data in (added or {}).items():
            out.writestr(name, data)
    return target
