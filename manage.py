#!/usr/bin/env python
"""Django's command-line utility for CONNECT Portal."""

import os
import sys


def main() -> None:
    """Run administrative tasks, stopping with one line on a bad setting."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    from django.core.management import execute_from_command_line

    from portal.env import EnvError

    try:
        execute_from_command_line(sys.argv)
    except EnvError as exc:
        sys.exit(f"configuration error: {exc}")


if __name__ == "__main__":
    main()
