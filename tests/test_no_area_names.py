"""Nothing in the code or the templates names a particular area or town: they are data
(``fixtures/areas/*.toml``, set up by ``setup_area``). Fixtures and tests are data too."""

import pytest

from tests.conftest import ROOT

CHECKED = ("projects", "portal", "templates", "static", "locale")
SUFFIXES = {".py", ".html", ".txt", ".css", ".js", ".po"}
WORDS = ("山口", "宇部")


def sources():
    for top in CHECKED:
        for path in sorted((ROOT / top).rglob("*")):
            if path.suffix in SUFFIXES and "migrations" not in path.parts:
                yield path


def test_the_checked_tree_is_not_empty():
    found = {p.relative_to(ROOT).parts[0] for p in sources()}
    assert found == set(CHECKED)
    assert ROOT / "templates" / "base.html" in set(sources())


@pytest.mark.parametrize("word", WORDS)
def test_no_module_or_template_names_our_area(word):
    named = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sources()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if word in line
    ]
    assert named == []
