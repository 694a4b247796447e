"""manage.py in a process of its own, always on a database the test names: never the working
database (``db.sqlite3``, or the developer's DATABASE_URL) that ``make run`` fills."""

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent.parent


def url_of_test_database() -> str:
    """The test database (the one pytest-django created), as a DATABASE_URL."""
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{database['NAME']}"
    user = quote(database.get("USER") or "")
    password = f":{quote(database['PASSWORD'])}" if database.get("PASSWORD") else ""
    at = f"{user}{password}@" if user else ""
    host = database.get("HOST") or "localhost"
    port = f":{database['PORT']}" if database.get("PORT") else ""
    return f"postgres://{at}{host}{port}/{database['NAME']}"


def manage(*args, database_url: str, **env) -> subprocess.CompletedProcess:
    """``python manage.py ARGS`` with DATABASE_URL set to ``database_url`` (required) and only
    the DJANGO_* variables given in ``env``."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))}
    environment.update(DATABASE_URL=database_url, **env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
