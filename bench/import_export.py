#!/usr/bin/env python
"""Import and export of a workbook 100× the R2 table, against openpyxl alone on the same file.

    .venv/bin/python bench/import_export.py [--times 100] [--repeat 3] [--database-url URL]

Prints, for the same workbook in the same run: openpyxl's read-only scan of every cell, its
full load and its save, the portal's import (the command's path: the file checked and read once,
planned, written to the database with its history, derived values and import version, each
time into an empty year) and export (database → xlsx), their ratios, the number of queries of
each (counted in a separate run, since counting slows Django down), and the peak memory (RSS)
of importing and exporting. openpyxl's full load and save are measured last, so that the heap
they leave does not weigh on the rest. Targets: import ≤ 2.5× scan, export ≤ 1.5× save, queries
independent of size, peak < 300 MB.
"""

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# This file shares its name with the django-import-export package: keep bench/ off the path.
sys.path = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(ROOT))


def build_workbook(path: Path, times: int) -> int:
    """Write the R2 table ``times`` times over, each copy under its own strategy numbers."""
    import copy

    from projects.table.reader import read_overview
    from projects.table.writer import write_overview

    source = read_overview(ROOT / "fixtures" / "r02_renkei_jigyo_gaiyo.xlsx")
    strategies = []
    for k in range(times):
        for strategy in source.strategies:
            clone = copy.deepcopy(strategy)
            clone.number = strategy.number + 3 * k
            clone.heading = f"{clone.number} {strategy.title}"
            for measure in clone.measures:
                for project in measure.projects:
                    if project.number is not None:
                        project.number += 100 * k
                    project.name = f"{project.name}（{k + 1}）" if project.name else ""
            strategies.append(clone)
    source.strategies = strategies
    write_overview(source, path)
    return len(source.activities())


# Wall-clock time by default; with --cpu this process's CPU time, which other work on a shared
# machine disturbs far less (the database is SQLite in this process, or a server's own CPU on
# PostgreSQL, which --cpu then leaves out).
CLOCK = time.perf_counter


def timed(fn, repeat: int):
    times, result = [], None
    for _ in range(repeat):
        start = CLOCK()
        result = fn()
        times.append(CLOCK() - start)
    return statistics.median(times), result


def measure(path: Path, repeat: int) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    django.setup()
    import openpyxl
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from projects.models import FiscalYear
    from projects.reports.export import export_year
    from projects.services.imports import import_overview, read_workbook

    settings.DEBUG = False  # as in production: no query log
    settings.OVERVIEW_MAX_UPLOAD_BYTES = settings.OVERVIEW_MAX_UNCOMPRESSED_BYTES = 1 << 31
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command(
        "setup_area", str(ROOT / "fixtures" / "areas" / "yamaguchi-chuo.toml"), verbosity=0
    )

    def scan():
        workbook = openpyxl.load_workbook(path, read_only=True)
        for sheet in workbook.worksheets:
            for _ in sheet.iter_rows(values_only=True):
                pass
        workbook.close()

    scan_time, _ = timed(scan, repeat)
    out = Path(tempfile.mkstemp(suffix=".xlsx")[1])

    def do_import():
        return import_overview(read_workbook(path), filename=path.name)

    import_times = []
    for _ in range(repeat):  # each into an empty year; the clearing is not timed
        FiscalYear.objects.filter(year=2020).delete()
        seconds, result = timed(do_import, 1)
        import_times.append(seconds)
    import_time = statistics.median(import_times)
    FiscalYear.objects.filter(year=2020).delete()
    with CaptureQueriesContext(connection) as ctx:
        do_import()
    import_queries = len(ctx)
    fiscal_year = FiscalYear.objects.get(year=2020)

    def do_export():
        out.write_bytes(export_year(fiscal_year, fmt="xlsx").content)

    export_time, _ = timed(do_export, repeat)
    with CaptureQueriesContext(connection) as ctx:
        do_export()
    export_queries = len(ctx)
    # The portal's peak, before openpyxl's full load (last: its heap would weigh on the rest).
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    load_time, workbook = timed(lambda: openpyxl.load_workbook(path), repeat)
    save_time, _ = timed(lambda: workbook.save(out), repeat)
    out.unlink()
    print(
        f"database          {connection.vendor} ({'CPU' if CLOCK is time.process_time else 'wall'} time)"
    )
    print(
        f"table             {result.totals['projects']:,} projects, {result.totals['activities']:,} activities"
    )
    print(f"openpyxl scan     {scan_time * 1000:8.0f} ms   (read-only, every cell)")
    print(f"openpyxl load     {load_time * 1000:8.0f} ms")
    print(f"openpyxl save     {save_time * 1000:8.0f} ms")
    print(
        f"portal import     {import_time * 1000:8.0f} ms   ratio {import_time / scan_time:.2f}× scan"
        f" (target ≤ 2.5), {import_time / load_time:.2f}× load"
    )
    print(
        f"portal export     {export_time * 1000:8.0f} ms   ratio {export_time / save_time:.2f}× save (target ≤ 1.5)"
    )
    small_import, small_export = query_counts(ROOT / "fixtures" / "r02_renkei_jigyo_gaiyo.xlsx")
    print(
        f"queries           import {import_queries}, export {export_queries} at "
        f"{result.totals['activities']:,} activities; import {small_import}, export "
        f"{small_export} at the R2 table's 89"
    )
    print(f"peak memory (RSS) {peak_mb:.0f} MB (target < 300), importing and exporting")


def query_counts(path: Path) -> tuple[int, int]:
    """Queries of importing ``path`` into an empty year and exporting it again."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from projects.models import FiscalYear
    from projects.reports.export import export_year
    from projects.services.imports import import_overview, read_workbook

    FiscalYear.objects.filter(year=2020).delete()
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as imported:
        import_overview(read_workbook(path))
    fiscal_year = FiscalYear.objects.get(year=2020)
    with CaptureQueriesContext(connection) as exported:
        export_year(fiscal_year, fmt="xlsx")
    return len(imported), len(exported)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--times", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--database-url", help="default: a new SQLite file")
    parser.add_argument("--cpu", action="store_true", help="time this process's CPU, not the wall")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.cpu:
        global CLOCK
        CLOCK = time.process_time
    if args.measure:
        measure(Path(args.measure), args.repeat)
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"r02x{args.times}.xlsx"
        activities = build_workbook(path, args.times)
        print(
            f"workbook          {path.name}: {activities:,} activities, {path.stat().st_size / 1e6:.1f} MB"
        )
        env = dict(os.environ, DATABASE_URL=args.database_url or f"sqlite:///{tmp}/bench.sqlite3")
        # A fresh process, so the peak memory is that of importing and exporting only.
        subprocess.run(
            [sys.executable, __file__, "--measure", str(path), "--repeat", str(args.repeat)]
            + (["--cpu"] if args.cpu else []),
            env=env,
            check=True,
        )


if __name__ == "__main__":
    main()
