#!/usr/bin/env python
"""KPIs (成果指標): reading, importing and exporting a sheet of many indicators, and the KPI
pages' queries, at the usual sheet's 5 indicators and at ``--times`` × 5.

    .venv/bin/python bench/kpi.py [--times 100] [--repeat 3] [--database-url URL]

Prints, for the same sheet in the same run: openpyxl's load and save of it, the portal's read
(cells parsed), import (read + write, one transaction) and export (database → xlsx in the
edition's layout), their ratios to openpyxl, the queries of each at both sizes, and the queries
of the citizens' pages (cache off) at both sizes. Target: the pages' and the export's queries
independent of the number of indicators (the import writes in bulk: its queries grow only with
the database's batch size).
"""

import argparse
import io
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

TITLE = "【参考】成果指標評価・検証一覧（令和2年度）"


def sheet(n: int) -> bytes:
    from tests.support import kpi_sheets

    rows = []
    for i in range(n):
        row = list(kpi_sheets.ROWS[i % 5])
        row[1] = str(i + 1)
        row[2] = f"{row[2]}（{i + 1}）" if i >= 5 else row[2]
        rows.append(row)
    return kpi_sheets.usual(rows, title=TITLE)


def timed(fn, repeat: int):
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def counted(fn):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as queries:
        result = fn()
    return result, len(queries)


def measure(times: int, repeat: int) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    django.setup()
    import openpyxl
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    from projects.models import FiscalYear, KpiEdition
    from projects.reports.kpi.export import workbook_bytes
    from projects.services.imports import import_overview, read_workbook
    from projects.services.kpi import import_kpi, read_kpi_file

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    call_command(
        "setup_area", str(ROOT / "fixtures" / "areas" / "yamaguchi-chuo.toml"), verbosity=0
    )
    import_overview(read_workbook(ROOT / "fixtures" / "r02_renkei_jigyo_gaiyo.xlsx"))
    FiscalYear.objects.filter(year=2020).update(published=True, is_current=True)

    def run(n: int) -> dict:
        data = sheet(n)
        load, workbook = timed(lambda: openpyxl.load_workbook(io.BytesIO(data)), repeat)
        save, _ = timed(lambda: workbook.save(io.BytesIO()), repeat)
        read, parsed = timed(lambda: read_kpi_file(io.BytesIO(data)), repeat)
        imports = []
        for _ in range(repeat):  # each into an empty edition; the clearing is not timed
            KpiEdition.objects.all().delete()
            seconds, (result, import_queries) = timed(
                lambda: counted(lambda: import_kpi(sheet=parsed)), 1
            )
            assert result.ok, result.errors
            imports.append(seconds)
        edition = KpiEdition.objects.get()
        export, (_, export_queries) = timed(
            lambda: counted(lambda: workbook_bytes(edition)), repeat
        )
        client = Client()
        pages = {
            url: counted(lambda url=url: client.get(url))[1] for url in ("/kpi/", "/kpi/2020/1/")
        }
        return {
            "n": n, "load": load, "save": save, "read": read, "import": statistics.median(imports),
            "import_queries": import_queries, "export": export, "export_queries": export_queries,
            "pages": pages,
        }  # fmt: skip

    small, large = run(5), run(5 * times)
    print(f"database          {django.db.connection.vendor}")
    for r in (small, large):
        print(f"-- {r['n']:,} indicators")
        print(f"openpyxl load     {r['load'] * 1000:8.1f} ms   save {r['save'] * 1000:8.1f} ms")
        print(
            f"portal read       {r['read'] * 1000:8.1f} ms   ratio {r['read'] / r['load']:.2f}× load"
        )
        print(f"portal import     {r['import'] * 1000:8.1f} ms   ({r['import_queries']} queries)")
        print(
            f"portal export     {r['export'] * 1000:8.1f} ms   ratio {r['export'] / r['save']:.2f}× save "
            f"({r['export_queries']} queries)"
        )
        print("page queries      " + ", ".join(f"{u} {q}" for u, q in r["pages"].items()))
    flat = small["pages"] == large["pages"] and small["export_queries"] == large["export_queries"]
    print(
        f"queries flat      {'yes' if flat else 'NO'} (pages and export, {small['n']} → {large['n']:,})"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--times", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--database-url", help="default: a new SQLite file")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(args.times, args.repeat)
        return
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, DATABASE_URL=args.database_url or f"sqlite:///{tmp}/bench.sqlite3")
        subprocess.run(
            [
                sys.executable,
                __file__,
                "--measure",
                "--times",
                str(args.times),
                "--repeat",
                str(args.repeat),
            ],
            env=env,
            check=True,
        )


if __name__ == "__main__":
    main()
