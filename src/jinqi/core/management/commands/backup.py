"""`jinqi backup create|verify`: dump the database with a manifest; prove a dump restores."""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from jinqi.core.backup import (
    BackupError,
    TableCheck,
    Verification,
    backup_create,
    backup_directory,
    backup_latest,
    backup_of,
    backup_verify,
)
from jinqi.core.commandline import PlainRefusalCommand, ProgressBar


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _pad(text: str, width: int, *, right: bool = False) -> str:
    space = " " * max(width - _width(text), 0)
    return space + text if right else text + space


def _count(value: int | None) -> str:
    return "—" if value is None else f"{value:,}"


def _result(check: TableCheck) -> str:
    if not check.matches:
        return _("differs from the backup")
    if check.live != check.restored:
        return _("same as the backup (live changed since)")
    return _("same as the backup")


class Command(PlainRefusalCommand):
    help = "Back up the database (create) or restore the latest backup and compare (verify)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        create = sub.add_parser("create", help=_("Dump the database into the backup directory."))
        verify = sub.add_parser(
            "verify",
            help=_(
                "Restore a backup (the latest by default) into a scratch database and compare "
                "its row counts with those recorded at backup time; non-zero exit on a difference."
            ),
        )
        for subparser in (create, verify):
            subparser.add_argument(
                "--directory",
                type=Path,
                help=_("Backup directory (default: JINQI_BACKUP_DIR)."),
            )
        verify.add_argument(
            "backup", type=Path, nargs="?", metavar="FILE", help=_("A dump or its manifest.")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        directory: Path = options["directory"] or backup_directory()
        try:
            if options["subcommand"] == "create":
                self._create(directory)
            else:
                self._verify(directory, options["backup"])
        except BackupError as error:
            raise CommandError(error.message) from error

    def _create(self, directory: Path) -> None:
        bar = ProgressBar(self.stderr, _("tables"))
        backup = backup_create(directory=directory, on_progress=bar)
        bar.finish()
        self.stdout.write(_("Backup written: %(file)s") % {"file": backup.dump})

    def _verify(self, directory: Path, path: Path | None) -> None:
        backup = backup_of(path) if path is not None else backup_latest(directory=directory)
        self.stderr.write(_("Verifying %(file)s") % {"file": backup.dump})
        bar = ProgressBar(self.stderr, _("tables"))

        def stage(message: str) -> None:
            bar.finish()
            self.stderr.write(message)

        verification = backup_verify(backup=backup, on_stage=stage, on_progress=bar)
        bar.finish()
        self._print_table(verification)
        failed = [check.table for check in verification.tables if not check.matches]
        for problem in verification.problems:
            self.stderr.write(problem)
        if failed:
            raise CommandError(
                _("Verification failed: %(count)s table(s) differ from the backup: %(tables)s")
                % {"count": len(failed), "tables": "、".join(failed)}
            )
        if not verification.ok:
            raise CommandError(_("Verification failed."))
        self.stdout.write(
            _("Verification passed: %(count)s tables restored with the recorded row counts.")
            % {"count": len(verification.tables)}
        )

    def _print_table(self, verification: Verification) -> None:
        header = [_("Table"), _("At backup"), _("Restored"), _("Live now"), _("Result")]
        rows = [
            [
                check.table,
                _count(check.at_backup),
                _count(check.restored),
                _count(check.live),
                _result(check),
            ]
            for check in verification.tables
        ]
        widths = [max(_width(row[i]) for row in [header, *rows]) for i in range(len(header))]
        for row in [header, *rows]:
            cells = [
                _pad(cell, widths[i], right=0 < i < len(header) - 1) for i, cell in enumerate(row)
            ]
            self.stdout.write("  ".join(cells).rstrip())
