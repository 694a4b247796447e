"""What to tell an operator when the database cannot be reached (manage.py, check --deploy)."""

from __future__ import annotations

import shlex
from pathlib import Path

from django.db import DatabaseError, connections


def is_sqlite(database: dict) -> bool:
    return database["ENGINE"] == "django.db.backends.sqlite3"


def missing_sqlite_file(database: dict) -> Path | None:
    """The SQLite file that does not exist (connecting would create it empty), else None."""
    name = str(database.get("NAME") or "")
    if not is_sqlite(database) or name == ":memory:" or name.startswith("file:"):
        return None
    path = Path(name)
    return None if path.exists() else path


def connection_error(alias: str = "default") -> DatabaseError | None:
    """The error of connecting to the database, or None when it answers."""
    connection = connections[alias]
    try:
        connection.ensure_connection()
    except DatabaseError as exc:
        return exc
    return None


def createdb_command(database: dict) -> str:
    words = ["createdb"]
    for option, key in (("-h", "HOST"), ("-p", "PORT"), ("-U", "USER")):
        if database.get(key):
            words += [option, str(database[key])]
    return shlex.join([*words, str(database.get("NAME") or "portal")])


def describe(database: dict, error: Exception) -> str:
    """A few Japanese lines: which database, what the driver said, what to do."""
    cause = (str(error).strip().splitlines() or [type(error).__name__])[0]
    if is_sqlite(database):
        path = Path(str(database.get("NAME")))
        return "\n".join(
            [
                f"SQLite のデータベース {path} を開けません: {cause}",
                f"フォルダ {path.parent} があり書き込めるか、DATABASE_URL (環境変数) が正しいかを"
                "確かめてください。",
            ]
        )
    where = f"{database.get('HOST') or 'localhost'}:{database.get('PORT') or 5432}"
    return "\n".join(
        [
            f"PostgreSQL のデータベース「{database.get('NAME')}」({where}、ユーザー "
            f"{database.get('USER') or '(なし)'}) に接続できません: {cause}",
            "データベースがまだなければ作成してから、python manage.py migrate を実行してください:",
            f"    {createdb_command(database)}",
            "作成済みなら、PostgreSQL が動いているか、DATABASE_URL (環境変数) のホスト・ポート・"
            "ユーザー・パスワードが正しいかを確かめてください。",
        ]
    )


def unreachable(alias: str = "default") -> str | None:
    """The message when the database cannot be reached, else None."""
    error = connection_error(alias)
    return None if error is None else describe(connections[alias].settings_dict, error)


def unmigrated(alias: str = "default") -> str | None:
    """The message when the database lacks migrations (its tables are missing or old)."""
    from django.db.migrations.executor import MigrationExecutor

    connection = connections[alias]
    executor = MigrationExecutor(connection)
    if not executor.migration_plan(executor.loader.graph.leaf_nodes()):
        return None
    name = connection.settings_dict.get("NAME")
    return (
        f"データベース {name} の表がまだないか、古いままです。"
        "先に python manage.py migrate を実行してください。"
    )


def explain(*, migrating: bool, alias: str = "default") -> str | None:
    """What is wrong with the database after a command failed on it, if it is one of the
    two an operator meets first (no connection; no tables, unless ``migrate`` itself failed);
    else None."""
    try:
        return unreachable(alias) or (None if migrating else unmigrated(alias))
    except DatabaseError:
        return None
