"""The `jinqi` console script: the project's manage.py."""

import os
import sys


def main() -> None:
    if sys.argv[1:2] == ["rules"]:
        # The rules engine needs no Django: a rule pack over a Parquet file starts in a blink.
        from jinqi.rules.cli import main as rules_main

        sys.exit(rules_main(sys.argv[2:]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jinqi.settings.base")
    # Here, not at the top: `jinqi rules` above starts without loading Django.
    import django
    from django.core.management import execute_from_command_line

    django.setup()
    from jinqi.core.pagecache import advanced_after_writes

    # A command that changed what pages show (an import, a rule run) retires the kept pages.
    with advanced_after_writes():
        execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
