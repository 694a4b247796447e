"""Which project and activity of one table is the same as which of another."""

from types import SimpleNamespace

from projects.table.carry_over import activity_key
from projects.table.matching import match_activities, match_projects


def keyed(texts, year=2020):
    return [(t, activity_key(t, year)) for t in texts]


def test_projects_match_by_name_before_number():
    """Project 7 dropped, the later ones renumbered: 8 becomes 7 and must not take over 7."""
    old = [
        SimpleNamespace(pk=i, number=n, name=s)
        for i, (n, s) in enumerate(
            [(6, "農林"), (7, "観光"), (8, "情報発信"), (None, "博覧会"), (19, "")], start=1
        )
    ]
    new = [
        SimpleNamespace(pk=i, number=n, name=s)
        for i, (n, s) in enumerate(
            [(6, "農林水産"), (7, "情報発信"), (None, "博覧会"), (19, "")], start=11
        )
    ]
    pairs = match_projects(new, old)
    assert {new[i].pk: old[j].pk for i, j in pairs.items()} == {11: 1, 12: 3, 13: 4, 14: 5}


def test_activities_match_exactly_then_closely():
    current = ["職員研修", "職員研修", "地域ガイドのスキルアップ研修会", "新しい事業"]
    previous = ["職員研修", "地域ガイドのスキルアップ研修", "職員研修", "別の事業"]
    pairs = match_activities(keyed(current), keyed(previous))
    assert pairs == {0: 0, 1: 2, 2: 1}


def test_the_same_text_comes_before_the_same_key():
    """Two lines differing only by their dates keep their own activities on a re-import."""
    current = ["幹事会の開催(1/28)", "幹事会の開催(5/22)"]
    previous = ["幹事会の開催(5/22)", "幹事会の開催(1/28)"]
    assert match_activities(keyed(current), keyed(previous)) == {0: 1, 1: 0}


def test_a_reimport_pairs_what_is_left_by_position():
    current = ["まったく新しい文", "二つ目"]
    previous = ["古い文", "二つ目", "三つ目"]
    assert match_activities(keyed(current), keyed(previous)) == {1: 1}
    assert match_activities(keyed(current), keyed(previous), by_position=True) == {1: 1, 0: 0}
