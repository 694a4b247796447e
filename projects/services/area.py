"""Setting up the area from a TOML file: its name, its secretariat and its member municipalities.

The file (format in the README; ``fixtures/areas/*.toml`` are examples) is validated as a whole
first, every problem located by line and key; then the area is written in one transaction.
Running it again with the same file changes nothing. A member left out of the file is deleted
when nothing names it, and otherwise retired (kept for the years whose data names it, left out
of new ones: ``models.area``).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.text import slugify

from projects.models import Area, ChangeSource, Municipality, Synonym
from projects.models.area import validate_cell_word, validate_lg_code

from .changes import commit_one

SECTIONS = {
    "area": {"name", "short_name", "council", "all_words"},
    "secretariat": {"name", "address", "phone", "email"},
}
MUNICIPALITY_KEYS = {"name", "reading", "code", "slug", "name_en"}
REQUIRED = {"area": ("name",), "municipalities": ("name", "code", "slug")}
TOML_LINE_RE = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")


class AreaFileError(Exception):
    """The file was not applied; ``problems`` says where and why (Japanese)."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class AreaResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    area_changed: bool = False

    def lines(self) -> list[str]:
        if not (self.area_changed or self.created or self.updated or self.retired or self.removed):
            return ["変更はありません (圏域と構成市町はファイルと同じです)。"]
        lines = ["圏域の情報を更新しました。"] if self.area_changed else []
        for verb, names in (
            ("追加", self.created),
            ("更新", self.updated),
            ("新しい年度から除外 (データまたは担当者があるため削除しません)", self.retired),
            ("削除", self.removed),
        ):
            if names:
                lines.append(f"市町の{verb}: " + "、".join(names))
        return lines


class _Lines:
    """Where each key of the file is written: (section, index, key) → line number."""

    HEADER = re.compile(r"^\s*(\[\[?)\s*\"?([A-Za-z0-9_-]+)")
    KEY = re.compile(r"^\s*\"?([A-Za-z0-9_-]+)\"?\s*=")

    def __init__(self, text: str):
        self.where: dict[tuple[str, int, str], int] = {}
        self.tables: dict[tuple[str, int], int] = {}
        section, index, counts = "", 0, {}
        for number, line in enumerate(text.splitlines(), start=1):
            if m := self.HEADER.match(line):
                section = m[2]
                index = counts.get(section, -1) + 1 if m[1] == "[[" else 0
                counts[section] = index
                self.tables.setdefault((section, index), number)
            elif m := self.KEY.match(line):
                self.where.setdefault((section, index, m[1]), number)

    def of(self, section: str, index: int = 0, key: str = "") -> int:
        return self.where.get((section, index, key)) or self.tables.get((section, index), 1)


def _parse(path: Path) -> tuple[str, dict]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise AreaFileError(
            [f"{path.name}: ファイルを読めません (UTF-8 のテキスト: {exc})。"]
        ) from exc
    try:
        return text, tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        detail = str(exc)
        where = TOML_LINE_RE.search(detail)
        if where is None:
            raise AreaFileError([f"{path.name}: TOML として読めません ({detail})。"]) from exc
        detail = detail[: where.start()]
        raise AreaFileError(
            [f"{path.name} {where[1]} 行目 {where[2]} 文字目: TOML として読めません ({detail})。"]
        ) from exc


def read_area_file(path: str | Path) -> tuple[dict, list[dict]]:
    """The area's fields and its members from the file, or AreaFileError with every problem."""
    path = Path(path)
    text, data = _parse(path)
    lines, problems = _Lines(text), []

    def problem(section, index, key, message):
        line = lines.of(section, index, key)
        problems.append((line, f"{path.name} {line} 行目 [{section}] {message}"))

    for section in data:
        if section not in {*SECTIONS, "municipalities", "synonyms"}:
            allowed = "、".join([*SECTIONS, "municipalities", "synonyms"])
            problem(section, 0, "", f"不明な表「{section}」です (使えるもの: {allowed})。")
    area = _read_tables(data, problem)
    members = _read_members(data, problem)
    for index, values in enumerate(members):
        if values["name"] and values["name"] in area.get("all_words", ()):
            problem(
                "municipalities",
                index,
                "name",
                f"{index + 1} 件目: 「{values['name']}」は all_words (全市町を表す語) にもあります。",
            )
    area["synonyms"] = _read_synonyms(data, problem)
    if problems:  # in the file's order (a stable sort keeps a line's problems as found)
        raise AreaFileError([message for _, message in sorted(problems, key=lambda p: p[0])])
    return area, members


def _read_synonyms(data, problem) -> list[tuple[str, list[str]]]:
    """[[synonyms]] term = "自転車", words = ["サイクリング", "じてんしゃ"]: the search's
    starting list (the secretariat edits it in the admin afterwards)."""
    found = []
    entries = data.get("synonyms", [])
    if not isinstance(entries, list):
        problem("synonyms", 0, "", "[[synonyms]] の表で書いてください。")
        return found
    for index, entry in enumerate(entries):
        term, words = entry.get("term"), entry.get("words")
        if not isinstance(term, str) or not term.strip():
            problem("synonyms", index, "term", f"{index + 1} 件目: term (見出し語) は必須です。")
        elif not isinstance(words, list) or not all(isinstance(w, str) for w in words):
            problem(
                "synonyms",
                index,
                "words",
                f'{index + 1} 件目: words は文字列の配列 (["…", "…"]) で書いてください。',
            )
        else:
            found.append((term.strip(), [w.strip() for w in words if w.strip()]))
    return found


def _messages(model, name: str, value) -> list[str]:
    """The model field's own checks (length, e-mail, slug, kana …), in Japanese."""
    try:
        model._meta.get_field(name).clean(value, None)
    except ValidationError as exc:
        return exc.messages
    return []


def _read_tables(data, problem) -> dict:
    area = {}
    for section, keys in SECTIONS.items():
        table = data.get(section, {})
        if not isinstance(table, dict):
            problem(
                section,
                0,
                "",
                f"[{section}] は表 ([{section}] の見出しの下にキー) で書いてください。",
            )
            continue
        for key, value in table.items():
            name = key if section == "area" else f"secretariat_{key}"
            if key not in keys:
                problem(
                    section,
                    0,
                    key,
                    f"不明なキー「{key}」です (使えるもの: {'、'.join(sorted(keys))})。",
                )
            elif key == "all_words":
                if not (isinstance(value, list) and all(isinstance(v, str) and v for v in value)):
                    problem(
                        section,
                        0,
                        key,
                        'all_words は文字列の配列で書いてください (例: ["全市町"])。',
                    )
                    continue
                for word in value:
                    try:
                        validate_cell_word(word)
                    except ValidationError as exc:
                        problem(section, 0, key, f"all_words: {exc.messages[0]}")
                area[name] = value
            elif not isinstance(value, str):
                problem(section, 0, key, f'{key} は文字列 ("…") で書いてください。')
            else:
                area[name] = value.strip()
                for message in _messages(Area, name, area[name]) if area[name] else ():
                    problem(section, 0, key, f"{key}: {message}")
    for key in REQUIRED["area"]:
        if not area.get(key):
            problem("area", 0, key, f"{key} は必須です。")
    return area


def _read_members(data, problem) -> list[dict]:
    members, seen = [], {}
    entries = data.get("municipalities", [])
    if not isinstance(entries, list) or not entries:
        problem(
            "municipalities", 0, "", "構成市町を [[municipalities]] で 1 つ以上書いてください。"
        )
        return members
    for index, entry in enumerate(entries):
        label = f"{index + 1} 件目"
        if not isinstance(entry, dict):
            problem(
                "municipalities", index, "", f"{label}: [[municipalities]] の表で書いてください。"
            )
            continue
        values = _read_member(entry, index, label, problem)
        for key in ("name", "code", "slug"):
            if values[key] and (key, values[key]) in seen:
                first = seen[key, values[key]]
                problem(
                    "municipalities",
                    index,
                    key,
                    f"{label}: {key}「{values[key]}」が {first + 1} 件目と重複しています。",
                )
            seen.setdefault((key, values[key]), index)
        members.append(values)
    return members


def _read_member(entry: dict, index: int, label: str, problem) -> dict:
    def located(key, message):
        problem("municipalities", index, key, f"{label}: {message}")

    values = dict.fromkeys(MUNICIPALITY_KEYS, "")
    for key, value in entry.items():
        if key not in MUNICIPALITY_KEYS:
            allowed = "、".join(sorted(MUNICIPALITY_KEYS))
            located(key, f"不明なキー「{key}」です (使えるもの: {allowed})。")
        elif not isinstance(value, str):
            located(key, f'{key} は文字列 ("…") で書いてください。')
        else:
            values[key] = value.strip()
    for key in REQUIRED["municipalities"]:
        if not values[key] and not (key in entry and not isinstance(entry[key], str)):
            located(key, f"{key} は必須です。")
    if values["code"]:
        try:
            validate_lg_code(values["code"])
        except ValidationError as exc:
            located("code", exc.messages[0])
    if values["slug"] and slugify(values["slug"]) != values["slug"]:
        located(
            "slug",
            f"slug「{values['slug']}」は半角の英小文字・数字・ハイフンで書いてください。",
        )
    for key in ("name", "reading"):
        for message in _messages(Municipality, key, values[key]) if values[key] else ():
            located(key, f"{key}: {message}")
    return values


def setup_area(*, path: str | Path) -> AreaResult:
    """Create or update the area and its members from the file (AreaFileError, writing
    nothing, when the file has problems), as one change set: every year's pages follow."""
    fields, members = read_area_file(path)
    synonyms = fields.pop("synonyms")
    result = AreaResult()

    def write(changes):
        _apply_area(fields, members, synonyms, result)
        changes.whole_table()

    commit_one(user=None, source=ChangeSource.ADMIN, write=write)
    return result


def _apply_area(fields: dict, members: list[dict], synonyms, result: AreaResult) -> None:
    area = Area.objects.current() or Area()
    fields.setdefault("all_words", ["全市町"])
    for name in (
        "short_name",
        "council",
        "secretariat_name",
        "secretariat_address",
        "secretariat_phone",
        "secretariat_email",
    ):
        fields.setdefault(name, "")
    if area.pk is None or any(getattr(area, k) != v for k, v in fields.items()):
        for key, value in fields.items():
            setattr(area, key, value)
        area.save()
        result.area_changed = True
    _apply_members(members, result)
    for term, words in synonyms:  # added when missing: the secretariat's edits are kept
        Synonym.objects.get_or_create(term=term, defaults={"words": "、".join(words)})


def _apply_members(members: list[dict], result: AreaResult) -> None:
    existing = list(Municipality.objects.all())
    kept, plans = set(), []
    for order, values in enumerate(members, start=1):
        target = next(
            (m for m in existing if m.lg_code == values["code"] and m.pk not in kept), None
        ) or next((m for m in existing if m.name == values["name"] and m.pk not in kept), None)
        if target is not None:
            kept.add(target.pk)
        plans.append((order, values, target))
    leaving = [m for m in existing if m.pk not in kept]
    in_use = set(Municipality.objects.in_use().values_list("pk", flat=True))
    for municipality in leaving:
        if municipality.pk in in_use:
            if not municipality.retired:  # listed after the members, for the years it was in
                municipality.retired, municipality.order = True, 1000 + municipality.order
                municipality.save(update_fields=["retired", "order"])
                result.retired.append(municipality.name)
        else:
            result.removed.append(municipality.name)
            municipality.delete()
    for order, values, target in plans:
        wanted = {
            "name": values["name"],
            "reading": values["reading"],
            "name_en": values["name_en"],
            "lg_code": values["code"],
            "slug": values["slug"],
            "order": order,
            "retired": False,
        }
        if target is None:
            _free(wanted, None)
            Municipality.objects.create(**wanted)
            result.created.append(values["name"])
        elif any(getattr(target, k) != v for k, v in wanted.items()):
            _free(wanted, target)
            Municipality.objects.filter(pk=target.pk).update(**wanted)
            result.updated.append(values["name"])


def _free(wanted: dict, target) -> None:
    """A retired member that still holds a unique name, code or slug gives it up."""
    for key in ("name", "lg_code", "slug"):
        clash = Municipality.objects.filter(**{key: wanted[key]})
        if target is not None:
            clash = clash.exclude(pk=target.pk)
        for other in clash:
            suffix = f"-{other.pk}"
            limit = Municipality._meta.get_field(key).max_length - len(suffix)
            setattr(other, key, None if key == "lg_code" else getattr(other, key)[:limit] + suffix)
            other.save(update_fields=[key])
