"""`jinqi registry <subcommand>`: the enterprise registry from the command line.

Each subcommand is declared in `SUBCOMMANDS` (name → help) with two methods on `Command`:
`add_<name>_arguments(parser)` declares its arguments and `handle_<name>(options)` runs it
(dashes in the name become underscores). A new subcommand needs the entry and its two methods.
Other packages add theirs through `core.commandline.register_subcommand` (the demo package adds
`synth`, the synthetic population), so this app never imports them.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jinqi.accounts.models import Department
from jinqi.accounts.services import system_user
from jinqi.core.commandline import (
    PlainRefusalCommand,
    ProgressBar,
    contributed_subcommands,
    iso_date,
)
from jinqi.core.errors import DomainError
from jinqi.registry.exporting import profiles_export
from jinqi.registry.importing import DEFAULT_CHUNK, ImportFileError, registry_import
from jinqi.registry.integrity import orphans
from jinqi.registry.size_class import SizeClassError, size_class
from jinqi.registry.uscc import check_uscc

SUBCOMMANDS: dict[str, Promise] = {
    "validate-uscc": gettext_lazy(
        "Check unified social credit codes: one line per code, non-zero exit if any is invalid."
    ),
    "size-class": gettext_lazy(
        "Print the size class (large, medium, small, micro) of an enterprise, per the "
        "统计上大中小微型企业划分办法（2017）."
    ),
    "import": gettext_lazy(
        "Import a department's file of enterprises and facts (CSV in UTF-8 or GBK, XLSX or "
        "Parquet); running it again continues an interrupted import."
    ),
    "check-links": gettext_lazy(
        "Count the rows whose link to an enterprise, department, batch, industry or layout "
        "points nowhere (links without a database constraint); non-zero exit if any."
    ),
    "export-profiles": gettext_lazy(
        "Write every enterprise's materialised profile to a Parquet file (no personal data)."
    ),
}


class Command(PlainRefusalCommand):
    help = (
        "Enterprise registry (法人库) tools: code validation, size class, synthetic data, import."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        for name, help_text in SUBCOMMANDS.items():
            subparser = sub.add_parser(name, help=str(help_text), description=str(help_text))
            self._method("add", name, "arguments")(subparser)
        for name, contributed in contributed_subcommands("registry").items():
            text = str(contributed.help)
            contributed.add_arguments(sub.add_parser(name, help=text, description=text))

    def handle(self, *args: Any, **options: Any) -> None:
        contributed = contributed_subcommands("registry").get(options["subcommand"])
        if contributed is not None:
            contributed.handle(self, options)
        else:
            self._method("handle", options["subcommand"])(options)

    def _method(self, prefix: str, name: str, suffix: str = "") -> Callable[..., None]:
        attribute = "_".join(part for part in (prefix, name.replace("-", "_"), suffix) if part)
        method: Callable[..., None] = getattr(self, attribute)
        return method

    # validate-uscc ------------------------------------------------------------------------------

    def add_validate_uscc_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("codes", nargs="+", metavar="CODE", help=_("Codes, taken as given."))

    def handle_validate_uscc(self, options: dict[str, Any]) -> None:
        invalid = 0
        for code in options["codes"]:
            result = check_uscc(code)
            for warning in result.warnings:
                self.stderr.write(
                    _("%(code)s warning: %(warning)s") % {"code": code, "warning": warning}
                )
            if result.valid:
                self.stdout.write(_("%(code)s valid") % {"code": code})
            else:
                invalid += 1
                self.stdout.write(
                    _("%(code)s invalid: %(reasons)s")
                    % {"code": code, "reasons": "; ".join(result.errors)}
                )
        if invalid:
            raise CommandError(
                _("%(invalid)s of %(total)s code(s) invalid")
                % {"invalid": invalid, "total": len(options["codes"])}
            )

    # size-class ---------------------------------------------------------------------------------

    def add_size_class_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--industry", required=True, help=_("GB/T 4754-2017 code, e.g. C3511."))
        parser.add_argument("--employees", type=int, help=_("从业人员, persons."))
        parser.add_argument("--revenue", type=float, help=_("营业收入, 10,000 CNY (万元)."))
        parser.add_argument("--assets", type=float, help=_("资产总额, 10,000 CNY (万元)."))

    def handle_size_class(self, options: dict[str, Any]) -> None:
        try:
            key = size_class(
                options["industry"],
                employees=options["employees"],
                revenue=options["revenue"],
                assets=options["assets"],
            )
        except SizeClassError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(key)

    # import -------------------------------------------------------------------------------------

    def add_import_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("file", type=Path, metavar="FILE")
        parser.add_argument(
            "--source",
            required=True,
            metavar="DEPT_CODE",
            help=_("Code of the department the data comes from, e.g. market-regulation."),
        )
        parser.add_argument(
            "--as-of",
            type=iso_date,
            metavar="YYYY-MM-DD",
            help=_("Date the data is as of (default today)."),
        )
        parser.add_argument(
            "--chunk-size",
            type=int,
            default=DEFAULT_CHUNK,
            help=_("Rows committed together (default %(default)s)."),
        )
        parser.add_argument("--no-progress", action="store_true", help=_("No progress bar."))

    def add_export_profiles_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--output", type=Path, required=True, help=_("Parquet file to write."))

    def add_check_links_arguments(self, parser: argparse.ArgumentParser) -> None:
        pass  # no arguments

    def handle_check_links(self, options: dict[str, Any]) -> None:
        found = orphans()
        for link, count in found.items():
            self.stdout.write(f"{link}: {count}")
        if any(found.values()):
            raise CommandError(_("Some links point nowhere."))

    def handle_export_profiles(self, options: dict[str, Any]) -> None:
        started = time.perf_counter()
        rows = profiles_export(options["output"])
        self.stderr.write(
            _("%(rows)s profiles written to %(file)s in %(seconds).1f s")
            % {"rows": rows, "file": options["output"], "seconds": time.perf_counter() - started}
        )

    def handle_import(self, options: dict[str, Any]) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(_("%(file)s: no such file") % {"file": path})
        source = Department.objects.filter(code=options["source"]).first()
        if source is None:
            raise CommandError(
                _("No department with the code %(code)s.") % {"code": options["source"]}
            )
        bar = None if options["no_progress"] else ProgressBar(self.stderr, _("rows"))
        try:
            result = registry_import(
                path=path,
                source=source,
                acting_user=system_user(),
                as_of=options["as_of"],
                chunk_size=options["chunk_size"],
                on_progress=bar,
            )
        except ImportFileError as error:
            if len(error.problems) == 1:  # one line, as every other refusal
                raise CommandError(
                    _("%(problem)s Nothing was imported.") % {"problem": error.problems[0]}
                ) from error
            for problem in error.problems:
                self.stderr.write(problem)
            raise CommandError(_("The file was refused; nothing was imported.")) from error
        except DomainError as error:
            raise CommandError(error.message) from error
        finally:
            if bar is not None:
                bar.finish()
        batch = result.batch
        if result.already_done:
            self.stdout.write(
                _(
                    "%(file)s was already imported from %(source)s (batch %(batch)s, "
                    "%(rows)s rows); nothing to do."
                )
                % {
                    "file": path.name,
                    "source": source.code,
                    "batch": batch.pk,
                    "rows": batch.rows_total,
                }
            )
            return
        if result.resumed_after:
            self.stderr.write(
                _("Continued batch %(batch)s after row %(row)s.")
                % {"batch": batch.pk, "row": result.resumed_after + 1}
            )
        for rejection in result.rejections[:20]:
            self.stderr.write(
                _("Row %(row)s (%(uscc)s): %(reason)s")
                % {
                    "row": rejection.number,
                    "uscc": rejection.uscc or "-",
                    "reason": rejection.reason,
                }
            )
        if result.rejected > 20:
            self.stderr.write(_("… and %(n)s more rejected rows.") % {"n": result.rejected - 20})
        if batch.error_report is not None:
            self.stderr.write(_("Error report: %(path)s") % {"path": batch.error_report.file.name})
        self.stdout.write(
            _(
                "Batch %(batch)s: %(rows)s rows, %(imported)s imported (%(created)s new), "
                "%(rejected)s rejected, %(facts)s facts."
            )
            % {
                "batch": batch.pk,
                "rows": result.rows,
                "imported": result.imported,
                "created": result.created,
                "rejected": result.rejected,
                "facts": result.facts,
            }
        )
