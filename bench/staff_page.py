#!/usr/bin/env python
"""The staff page 「実績の更新」 at the R2 table's size and at 10,000 activities.

    .venv/bin/python bench/staff_page.py [--activities 10000] [--repeat 5] [--database-url URL]

Imports the R2 table (1×) and then the R2 table copied until it has at least 10,000 activities
into a fresh database (a temporary SQLite file unless --database-url), and prints for each,
as the secretariat sees it (every municipality): the bytes of the first page, the server time
of rendering it (median of --repeat requests through Django's handler, no network), the
number of queries, and the same for one municipality's page. Targets at 10,000 activities:
under 1 MB and under 300 ms per page.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(ROOT))


def bench_module(name: str):
    """A sibling script (its name may be a package's: load it from its file)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        f"bench_{name}", Path(__file__).with_name(f"{name}.py")
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def measure(times: int, repeat: int) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from projects.models import FiscalYear, Municipality, Project, StaffProfile
    from projects.services.imports import import_overview
    from projects.table.reader import read_overview

    build_workbook = bench_module("import_export").build_workbook
    call_command("collectstatic", "--noinput", verbosity=0)  # DEBUG off: hashed names
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command(
        "setup_area", str(ROOT / "fixtures" / "areas" / "yamaguchi-chuo.toml"), verbosity=0
    )
    User = get_user_model()
    office = User.objects.create_user("bench-office", is_staff=True)
    StaffProfile.objects.create(user=office, is_secretariat=True)
    ube = User.objects.create_user("bench-ube", is_staff=True)
    StaffProfile.objects.create(user=ube, municipality=Municipality.objects.get(slug="ube"))

    def page(user, label):
        client = Client()
        client.force_login(user)
        client.get("/staff/")  # warm up (templates, connection)
        seconds = []
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as ctx:
                start = time.perf_counter()
                response = client.get("/staff/")
                seconds.append(time.perf_counter() - start)
            assert response.status_code == 200, response.status_code
        ms = statistics.median(seconds) * 1000
        print(
            f"  {label:<28} {len(response.content):>10,} bytes {ms:8.0f} ms {len(ctx):4d} queries"
        )
        return len(response.content), ms

    results = {}
    for size in (1, times):
        FiscalYear.objects.all().delete()
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "table.xlsx"
            if size == 1:
                path = ROOT / "fixtures" / "r02_renkei_jigyo_gaiyo.xlsx"
            else:
                build_workbook(path, size)
            result = import_overview(
                read_overview(path, max_bytes=1 << 30, max_uncompressed=1 << 31)
            )
        ube_projects = Project.objects.all()
        for project in ube_projects.filter(number__isnull=False)[::3]:
            project.municipalities.add(Municipality.objects.get(slug="ube"))
        activities = result.totals["activities"]
        print(
            f"{size}× ({result.totals['projects']:,} projects, {activities:,} activities, {connection.vendor})"
        )
        results[size] = (page(office, "secretariat, first page"), page(ube, "宇部市, first page"))
    (big_bytes, big_ms), _ = results[times]
    (small_bytes, small_ms), _ = results[1]
    print(
        f"ratio at {times}×: bytes {big_bytes / small_bytes:.2f}×, time {big_ms / small_ms:.2f}× "
        f"of 1× (targets: < 1 MB, < 300 ms)"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--activities", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--database-url")
    parser.add_argument("--measure", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(args.measure, args.repeat)
        return
    times = -(-args.activities // 89)  # R2 has 89 activities
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(
            os.environ,
            DJANGO_DEBUG="false",
            DJANGO_SECRET_KEY="bench-only",
            DJANGO_SECURE="false",
            DJANGO_ALLOWED_HOSTS="testserver",
            DATABASE_URL=args.database_url or f"sqlite:///{tmp}/bench.sqlite3",
        )
        subprocess.run(
            [sys.executable, __file__, "--measure", str(times), "--repeat", str(args.repeat)],
            env=env,
            check=True,
        )


if __name__ == "__main__":
    main()
