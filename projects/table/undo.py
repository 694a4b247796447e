"""Undoing an import without losing what was done since: a three-way merge of stored tables.

``before`` is the year before the import, ``after`` right after it, ``current`` now. Each item
(strategy, measure, project, row, activity) is followed by its id:

- untouched since the import (after == current): it returns to ``before``;
- untouched by the import (before == after): it stays as it is now;
- changed by both: field by field, a field the import changed and nobody since returns to its
  earlier value, a field edited since keeps the edit — and is listed as a ``Conflict``;
- created by the import: removed, unless edited since (kept, a conflict);
- removed by the import: put back where it was; removed since: stays removed (a conflict when
  the import had changed it).

Nothing here reads the database; ``services.versions`` applies the result through the
import service, so that the undo is recorded and can itself be undone.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from .stored import CHILDREN, LEVELS, YEAR_FIELDS, label_of, line_of

LEVEL_WORDS = {
    "year": "年度",
    "strategies": "取組",
    "measures": "施策",
    "projects": "事業",
    "rows": "行",
    "activities": "実績項目",
}
FIELD_WORDS = {
    "status": "状況",
    "marker": "記号",
    "text": "内容",
    "details": "詳細行",
    "number": "番号",
    "name": "事業名",
    "municipalities": "関係市町",
    "summary": "事業の概要",
    "municipalities_text": "関係市町の表記",
    "title": "名称",
    "heading": "表記",
    "band": "帯の表記",
    "label": "記号",
    "policy_field": "政策分野",
    "document_label": "資料番号",
    "results_header": "実績欄の見出し",
    "legend": "凡例",
    "has_municipality_column": "関係市町の列",
}


@dataclass
class Conflict:
    """An item the import changed and someone edited since; the edit is kept."""

    level: str
    item_id: int | None
    where: list[str]  # project label, activity line … as people read them
    field: str = ""  # "" for the item as a whole
    kind: str = "edited"  # edited | created (by the import, edited since) | removed (since)
    project_id: int | None = None

    def describe(self) -> str:
        place = "".join(f"「{w}」" for w in self.where)
        what = LEVEL_WORDS[self.level]
        if self.kind == "created":
            return f"{what}{place}: 取込で追加された後に変更されているため、残します。"
        if self.kind == "removed":
            return f"{what}{place}: 取込で変更された後に削除されているため、削除したままにします。"
        name = FIELD_WORDS.get(self.field, self.field)
        return f"{what}{place}の{name}: 取込の後に変更されているため、今の内容を残します。"


@dataclass
class _Index:
    """Every item of a stored table by level and id, with its parent's id."""

    items: dict[str, dict[int, tuple[dict, int | None]]] = field(default_factory=dict)

    @classmethod
    def of(cls, state: dict) -> _Index:
        index = cls({level: {} for level in LEVELS})

        def walk(level, nodes, parent):
            for node in nodes:
                index.items[level][node["id"]] = (node, parent)
                child = CHILDREN[level]
                if child:
                    walk(child, node[child], node["id"])

        walk("strategies", state["strategies"], None)
        return index

    def node(self, level, item_id):
        found = self.items[level].get(item_id)
        return found[0] if found else None

    def parent(self, level, item_id):
        found = self.items[level].get(item_id)
        return found[1] if found else None

    def has(self, level, item_id) -> bool:
        return item_id in self.items[level]


class _Merge:
    def __init__(self, before: dict, after: dict, current: dict):
        self.b, self.a, self.c = before, after, current
        self.B, self.A, self.C = _Index.of(before), _Index.of(after), _Index.of(current)
        self.conflicts: list[Conflict] = []
        self.pid: int | None = None  # the project being merged, for the conflicts below it

    def run(self) -> dict:
        target = {"fiscal_year": self.c.get("fiscal_year")}
        for name in YEAR_FIELDS[1:]:
            target[name] = self.field_value("year", None, name, self.b, self.a, self.c, [])
        target["strategies"] = self.children("strategies", None, [])
        return target

    # -- one item -----------------------------------------------------------------------------

    def field_value(self, level, item_id, name, b, a, c, where):
        bv, av, cv = b.get(name), a.get(name), c.get(name)
        if av == cv:
            return copy.deepcopy(bv)
        if bv != av and name != "marker":  # the marker is the status's (see ``merge``)
            self.conflicts.append(Conflict(level, item_id, where, name, project_id=self.pid))
        return copy.deepcopy(cv)

    def merge(self, level, b, a, c, where) -> dict:
        if a == c:
            return copy.deepcopy(b)
        if b == a:
            return copy.deepcopy(c)
        where = [*where, self.describe(level, c)] if level in ("projects", "activities") else where
        node = {"id": c["id"]}
        for name in LEVELS[level][0]:
            node[name] = self.field_value(level, c["id"], name, b, a, c, where)
        if level == "activities":  # the marker goes with the status, from the same side
            node["marker"] = (b if a.get("status") == c.get("status") else c).get("marker")
        child = CHILDREN[level]
        if child:
            node[child] = self.children(child, c["id"], where)
        return node

    @staticmethod
    def describe(level, node) -> str:
        return label_of(node) if level == "projects" else line_of(node)

    # -- the children of one parent -----------------------------------------------------------

    def children(self, level, parent_id, where) -> list[dict]:
        def under(index, state):
            if parent_id is None:
                return state["strategies"]
            parent_level = next(k for k, v in CHILDREN.items() if v == level)
            node = index.node(parent_level, parent_id)
            return node[level] if node else []

        bs, as_, cs = under(self.B, self.b), under(self.A, self.a), under(self.C, self.c)
        result = []
        for c in cs:
            node = self.current_child(level, c, parent_id, where)
            if node is not None:
                result.append(node)
        for a in as_:
            self.removed_since(level, a, where)
        self.restore(level, bs, result, parent_id)
        return result

    def current_child(self, level, c, parent_id, where):
        item_id = c["id"]
        if level == "projects":
            self.pid = item_id
        if not self.A.has(level, item_id):
            return c  # added since the import
        a = self.A.node(level, item_id)
        if not self.B.has(level, item_id):  # added by the import
            if a == c:
                return None
            where = [*where, self.describe_any(level, c)]
            self.conflicts.append(
                Conflict(level, item_id, where, kind="created", project_id=self.pid)
            )
            return c
        if self.moved_back(level, item_id):
            return None  # restored under its earlier parent
        return self.merge(level, self.B.node(level, item_id), a, c, where)

    def moved_back(self, level, item_id) -> bool:
        """Moved by the import (a project to another measure), untouched since: it goes back."""
        b_parent, a_parent = self.B.parent(level, item_id), self.A.parent(level, item_id)
        return (
            b_parent != a_parent
            and self.C.parent(level, item_id) == a_parent
            and self.A.node(level, item_id) == self.C.node(level, item_id)
        )

    def removed_since(self, level, a, where):
        item_id = a["id"]
        if self.C.has(level, item_id) or not self.B.has(level, item_id):
            return
        if self.B.node(level, item_id) != a:
            where = [*where, self.describe_any(level, a)]
            self.conflicts.append(
                Conflict(level, item_id, where, kind="removed", project_id=self.pid)
            )

    def restore(self, level, bs, result, parent_id):
        """Put back, at their earlier place, the items the import removed or moved away."""
        placed = {node["id"] for node in result}
        for i, b in enumerate(bs):
            item_id = b["id"]
            removed = not self.A.has(level, item_id)
            if not (removed or self.moved_back(level, item_id)) or item_id in placed:
                continue
            at = 0
            for earlier in reversed(bs[:i]):
                if earlier["id"] in placed:
                    at = next(j for j, n in enumerate(result) if n["id"] == earlier["id"]) + 1
                    break
            result.insert(at, copy.deepcopy(b))
            placed.add(item_id)

    def describe_any(self, level, node) -> str:
        if level in ("projects", "activities"):
            return self.describe(level, node)
        return node.get("heading") or node.get("summary", "")[:30]


def undo_merge(before: dict, after: dict, current: dict) -> tuple[dict, list[Conflict]]:
    """The table to import so that the import that led from ``before`` to ``after`` is taken
    back while ``current``'s later edits stay; and the items where both met."""
    merge = _Merge(before, after, current)
    target = merge.run()
    return target, merge.conflicts
