"""The three-way merge that undoes an import, and the stored form of a table (no database)."""

import copy

from projects.table.diff import diff_states
from projects.table.model import (
    ActivityData,
    MeasureData,
    Overview,
    ProjectData,
    RowData,
    StrategyData,
)
from projects.table.stored import overview_of
from projects.table.undo import undo_merge


def activity(pk, status, text, details=()):
    marker = {"done": "●", "in_progress": "○", "planned": "△", None: ""}[status]
    return {"id": pk, "status": status, "marker": marker, "text": text, "details": list(details)}


def state(*projects):
    return {
        "fiscal_year": 2020,
        "title": "令和2年度連携事業概要及び実績見込み",
        "document_label": "資料1-2",
        "results_header": "事業の実績見込み",
        "legend": {},
        "has_municipality_column": False,
        "strategies": [
            {
                "id": 1,
                "number": 1,
                "title": "圏域全体の経済成長のけん引",
                "heading": "1 圏域全体の経済成長のけん引",
                "band": "",
                "measures": [
                    {
                        "id": 2,
                        "label": "ア",
                        "title": "経済戦略",
                        "heading": "ア 経済戦略",
                        "policy_field": "",
                        "projects": list(projects),
                    }
                ],
            }
        ],
    }


def project(pk, number, name, *activities):
    return {
        "id": pk,
        "number": number,
        "name": name,
        "municipalities": ["山口市"],
        "rows": [
            {
                "id": pk * 10,
                "summary": "概要",
                "municipalities_text": "",
                "municipalities": None,
                "activities": list(activities),
            }
        ],
    }


def lines(target):
    ov = overview_of(target)
    return [(p.label, [a.line for a in p.activities()]) for p in ov.projects()]


BEFORE = state(
    project(
        1, 1, "ビジョンの推進", activity(11, "planned", "懇談会"), activity(12, "done", "幹事会")
    ),
    project(2, 2, "起業・創業支援", activity(21, "in_progress", "相談窓口")),
)


def test_an_untouched_import_returns_to_the_state_before_it():
    after = copy.deepcopy(BEFORE)
    p1 = after["strategies"][0]["measures"][0]["projects"][0]
    p1["rows"][0]["activities"][0].update(status="done", marker="●")  # 11: △ → ●
    del p1["rows"][0]["activities"][1]  # 12 removed
    p1["rows"][0]["activities"].append(activity(13, "planned", "報告会"))  # 13 added
    after["strategies"][0]["measures"][0]["projects"][1]["name"] = "起業・創業・事業承継支援"
    target, conflicts = undo_merge(BEFORE, after, copy.deepcopy(after))
    assert conflicts == []
    assert lines(target) == [
        ("1 ビジョンの推進", ["△懇談会", "●幹事会"]),
        ("2 起業・創業支援", ["○相談窓口"]),
    ]


def test_later_edits_are_kept_and_listed_where_they_meet_the_import():
    after = copy.deepcopy(BEFORE)
    a_p1 = after["strategies"][0]["measures"][0]["projects"][0]
    a_p1["rows"][0]["activities"][0].update(status="done", marker="●")  # import: 11 △ → ●
    a_p1["rows"][0]["activities"].append(activity(13, "planned", "報告会"))  # import adds 13
    current = copy.deepcopy(after)
    c_p1 = current["strategies"][0]["measures"][0]["projects"][0]
    c_p1["rows"][0]["activities"][0].update(status="in_progress", marker="○")  # later: 11 → ○
    c_p1["rows"][0]["activities"][2]["text"] = "成果報告会"  # later: 13 edited
    c_p2 = current["strategies"][0]["measures"][0]["projects"][1]
    c_p2["rows"][0]["activities"][0]["text"] = "相談窓口の運営"  # later, not the import's
    target, conflicts = undo_merge(BEFORE, after, current)
    assert lines(target) == [
        ("1 ビジョンの推進", ["○懇談会", "●幹事会", "△成果報告会"]),
        ("2 起業・創業支援", ["○相談窓口の運営"]),
    ]
    assert [c.describe() for c in conflicts] == [
        "実績項目「1 ビジョンの推進」「○懇談会」の状況: 取込の後に変更されているため、今の内容を残します。",
        "実績項目「1 ビジョンの推進」「△成果報告会」: 取込で追加された後に変更されているため、残します。",
    ]
    assert {(c.level, c.item_id, c.project_id) for c in conflicts} == {
        ("activities", 11, 1),
        ("activities", 13, 1),
    }


def test_a_removed_activity_comes_back_at_its_place():
    after = copy.deepcopy(BEFORE)
    del after["strategies"][0]["measures"][0]["projects"][0]["rows"][0]["activities"][0]
    current = copy.deepcopy(after)
    current["strategies"][0]["measures"][0]["projects"][0]["rows"][0]["activities"][0]["text"] = (
        "幹事会の開催"
    )
    target, conflicts = undo_merge(BEFORE, after, current)
    assert conflicts == []
    assert lines(target)[0] == ("1 ビジョンの推進", ["△懇談会", "●幹事会の開催"])


def test_the_stored_form_reads_back_as_the_overview_it_was_written_from():
    ov = overview_of(BEFORE)
    assert ov == Overview(
        fiscal_year=2020,
        title="令和2年度連携事業概要及び実績見込み",
        document_label="資料1-2",
        results_header="事業の実績見込み",
        legend={},
        strategies=[
            StrategyData(
                1,
                "圏域全体の経済成長のけん引",
                "1 圏域全体の経済成長のけん引",
                measures=[
                    MeasureData(
                        "ア",
                        "経済戦略",
                        "ア 経済戦略",
                        projects=[
                            ProjectData(
                                1,
                                "ビジョンの推進",
                                ["山口市"],
                                [
                                    RowData(
                                        "概要",
                                        [
                                            ActivityData("planned", "懇談会", "△"),
                                            ActivityData("done", "幹事会", "●"),
                                        ],
                                    )
                                ],
                            ),
                            ProjectData(
                                2,
                                "起業・創業支援",
                                ["山口市"],
                                [RowData("概要", [ActivityData("in_progress", "相談窓口", "○")])],
                            ),
                        ],
                    )
                ],
            )
        ],
    )


def test_two_rounds_compared_item_by_item():
    later = copy.deepcopy(BEFORE)
    acts = later["strategies"][0]["measures"][0]["projects"][0]["rows"][0]["activities"]
    acts[0].update(status="done", marker="●")
    acts.append(activity(13, "planned", "報告会"))
    del later["strategies"][0]["measures"][0]["projects"][1]["rows"][0]["activities"][0]
    diff = diff_states(BEFORE, later)
    assert [(c.project, c.old, c.new, c.status_changed) for c in diff.changed] == [
        ("1 ビジョンの推進", "△懇談会", "●懇談会", True)
    ]
    assert [c.new for c in diff.added] == ["△報告会"]
    assert [c.old for c in diff.removed] == ["○相談窓口"]
    assert diff.distribution() == [
        ("done", "●", 1, 2),
        ("in_progress", "○", 1, 0),
        ("planned", "△", 1, 1),
        ("cancelled", "■", 0, 0),
    ]
