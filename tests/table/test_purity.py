"""``projects.table`` is pure: every module imports in an interpreter without Django settings,
and none of them brings Django in."""

import pkgutil
import subprocess
import sys

import projects.table
from tests.conftest import ROOT

MODULES = sorted(f"projects.table.{m.name}" for m in pkgutil.iter_modules(projects.table.__path__))

PROBE = """
import importlib, json, os, sys
os.environ.pop("DJANGO_SETTINGS_MODULE", None)
for name in sys.argv[1:]:
    importlib.import_module(name)
print(json.dumps(sorted(m for m in sys.modules if m == "django" or m.startswith("django."))))
"""


def test_the_table_package_has_the_modules_the_readme_lists():
    assert {m.rsplit(".", 1)[1] for m in MODULES} >= {
        "notation",
        "eras",
        "dates",
        "carry_over",
        "matching",
        "model",
        "columns",
        "files",
        "reader",
        "writer",
        "formats",
        "html",
    }


def test_no_module_of_the_table_package_imports_django():
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *MODULES],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip() == "[]"
