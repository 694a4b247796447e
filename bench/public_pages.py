"""Throughput and latency of the public pages under gunicorn, against a trivial view.

    .venv/bin/python bench/public_pages.py [--seconds 5] [--connections 16] [--workers 2] [--rounds 3]

Builds a temporary SQLite database with the R2 workbook (published), collects the static files,
starts gunicorn (DEBUG off, as in production) on a free 127.0.0.1 port, and runs ``wrk``
(Debian package ``wrk``) against the home page, the project list, a project detail and
``/healthz`` in the same run. Prints requests/s, p50, p99 and errors for each, and each page's
throughput as a share of the trivial view's. Targets: ≥ 50 % of /healthz, p99 < 100 ms, no errors.
The cache is the database table (or Redis when REDIS_URL is set), shared by the workers.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
WORKBOOK = ROOT / "fixtures" / "r02_renkei_jigyo_gaiyo.xlsx"
SETTINGS_SHIM = """import os
from portal.settings import *  # noqa: F403
STATIC_ROOT = os.environ["BENCH_STATIC_ROOT"]
"""
TARGET_RATIO, TARGET_P99_MS = 0.5, 100.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def manage(env, *args) -> str:
    done = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if done.returncode:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{done.stderr}")
    return done.stdout


def prepare(tmp: Path) -> dict:
    (tmp / "shim").mkdir()
    (tmp / "shim" / "bench_settings.py").write_text(SETTINGS_SHIM)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update(
        DJANGO_SETTINGS_MODULE="bench_settings",
        PYTHONPATH=os.pathsep.join([str(tmp / "shim"), str(ROOT)]),
        BENCH_STATIC_ROOT=str(tmp / "static"),
        DATABASE_URL=f"sqlite:///{tmp / 'bench.sqlite3'}",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=uuid.uuid4().hex * 2,
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        CACHE_KEY_PREFIX=f"bench-{uuid.uuid4().hex}",
    )
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "createcachetable")
    manage(env, "setup_area", str(ROOT / "fixtures" / "areas" / "yamaguchi-chuo.toml"))
    manage(env, "import_overview", str(WORKBOOK))
    manage(env, "collectstatic", "--noinput", "-v0")
    pk = manage(
        env,
        "shell",
        "--no-imports",
        "-c",
        "from projects.models import FiscalYear, Project\n"
        "from projects.services.demo import assign_municipalities_from_text\n"
        "from projects.cache import bump\n"
        "FiscalYear.objects.filter(year=2020).update(published=True, is_current=True)\n"
        "assign_municipalities_from_text()\n"
        "bump()\n"
        "print(Project.objects.get(fiscal_year__year=2020, number=7).pk)",
    ).split()[-1]
    env["BENCH_DETAIL"] = f"/projects/{pk}/"
    return env


def https_request(url: str) -> urllib.request.Request:
    """As the TLS-terminating proxy forwards it (the settings redirect plain HTTP)."""
    return urllib.request.Request(url, headers={"X-Forwarded-Proto": "https"})


def wait_until_up(base: str, process) -> None:
    for _ in range(150):
        if process.poll() is not None:
            sys.exit("gunicorn exited")
        try:
            with urllib.request.urlopen(https_request(base + "/healthz"), timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    sys.exit("gunicorn did not start")


def duration_ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def run_wrk(url: str, seconds: int, connections: int) -> dict:
    out = subprocess.run(
        [
            "wrk",
            "--latency",
            f"-t{min(4, connections)}",
            f"-c{connections}",
            f"-d{seconds}s",
            "-H",
            "X-Forwarded-Proto: https",
            "-H",
            "Accept-Encoding: gzip, deflate, br",  # as every browser sends it
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": duration_ms(re.search(r"^\s+50%\s+(\S+)$", out, re.M).group(1)),
        "p99": duration_ms(re.search(r"^\s+99%\s+(\S+)$", out, re.M).group(1)),
        "errors": errors + (int(non_2xx.group(1)) if non_2xx else 0),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk が見つかりません: apt-get install wrk")
    with tempfile.TemporaryDirectory(prefix="renkei-bench-") as tmp:
        env = prepare(Path(tmp))
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        process = subprocess.Popen(
            [
                GUNICORN,
                "portal.wsgi",
                "--workers",
                str(args.workers),
                "--bind",
                f"127.0.0.1:{port}",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_until_up(base, process)
            return measure(base, env["BENCH_DETAIL"], args)
        finally:
            process.terminate()
            process.wait(timeout=30)


def measure(base: str, detail: str, args) -> int:
    pages = [("trivial /healthz", "/healthz"), ("home /", "/"), ("list /projects/", "/projects/")]
    pages.append((f"detail {detail}", detail))
    for _, path in pages:  # warm the shared cache
        with urllib.request.urlopen(https_request(base + path)) as response:
            assert response.status == 200, path
    backend = "Redis" if os.environ.get("REDIS_URL") else "database table"
    print(
        f"gunicorn {args.workers} workers, wrk {args.connections} connections, "
        f"{args.seconds} s each, {args.rounds} interleaved rounds (medians), cache: {backend}, "
        f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs"
    )
    rounds = {name: [] for name, _ in pages}
    for _ in range(args.rounds):  # interleaved, so a busy moment hits every page alike
        for name, path in pages:
            rounds[name].append(run_wrk(base + path, args.seconds, args.connections))
    results = {
        name: {
            "rps": median(r["rps"] for r in runs),
            "p50": median(r["p50"] for r in runs),
            "p99": median(r["p99"] for r in runs),
            "errors": sum(r["errors"] for r in runs),
        }
        for name, runs in rounds.items()
    }
    return report(results)


def report(results: dict) -> int:
    trivial = results["trivial /healthz"]["rps"]
    print(f"{'page':<24}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}{'ratio':>8}")
    ok = True
    for name, r in results.items():
        ratio = r["rps"] / trivial
        print(
            f"{name:<24}{r['rps']:>10.0f}{r['p50']:>9.2f}{r['p99']:>9.2f}"
            f"{r['errors']:>8}{ratio:>8.0%}"
        )
        ok &= r["errors"] == 0 and r["p99"] < TARGET_P99_MS
        if name != "trivial /healthz":
            ok &= ratio >= TARGET_RATIO
    verdict = "met" if ok else "NOT met"
    print(
        f"targets (≥ {TARGET_RATIO:.0%} of trivial, p99 < {TARGET_P99_MS:.0f} ms, 0 errors): "
        + verdict
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
