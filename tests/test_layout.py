"""The tree explains the system: modules stay readable and are grouped by folder, not by prefix."""

from collections import Counter
from pathlib import Path

from tests.conftest import ROOT

PROJECTS = ROOT / "projects"
MAX_LINES = 400


def modules() -> list[Path]:
    return [p for p in PROJECTS.rglob("*.py") if "migrations" not in p.parts]


def test_no_module_is_over_the_limit():
    long = {
        str(p.relative_to(ROOT)): n
        for p in modules()
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


def test_no_folder_hides_in_module_name_prefixes():
    """``public_data.py`` and ``public_print.py`` side by side are a folder in disguise."""
    for folder in {p.parent for p in modules()}:
        if folder.name == "commands":
            continue  # command names are the operators' words: import_overview, import_kpi…
        stems = [p.stem for p in folder.glob("*.py") if "_" in p.stem.strip("_")]
        prefixes = Counter(stem.split("_", 1)[0] for stem in stems)
        assert {k: n for k, n in prefixes.items() if n > 1} == {}, folder


def test_the_layers_below_the_views_know_nothing_of_http():
    """Reads, services and the table raise their own errors; the views turn them into pages."""
    below = [
        p
        for layer in ("reports", "services", "table", "models")
        for p in modules()
        if layer in p.relative_to(PROJECTS).parts[:1]
    ]
    assert below
    speaks_http = [
        str(p.relative_to(ROOT))
        for p in below
        if "django.http" in p.read_text(encoding="utf-8")
        or "Http404" in p.read_text(encoding="utf-8")
    ]
    assert speaks_http == []
