#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    from django.core.management import execute_from_command_line
    from django.db import OperationalError, ProgrammingError

    if sys.argv[1:2] == ["runserver"]:
        # The server checks the database in a thread of its own, whose failure would be a long
        # traceback followed by a server waiting for code changes: ask first.
        import django

        from portal.database import unreachable

        django.setup()
        if message := unreachable():
            sys.exit(message)
    try:
        execute_from_command_line(sys.argv)
    except (OperationalError, ProgrammingError):
        from portal.database import explain

        # No connection, or no tables; anything else is a real error and keeps its traceback.
        message = explain(migrating=sys.argv[1:2] == ["migrate"])
        if message is None:
            raise
        sys.exit(message)


if __name__ == "__main__":
    main()
