"""`jinqi plan import|export|roll-over|alerts`: plan files and the ledger from the command line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from jinqi.accounts.services import system_user
from jinqi.core.commandline import PlainRefusalCommand
from jinqi.core.errors import DomainError
from jinqi.plans.alerts import alerts_send
from jinqi.plans.exporting import ledger_csv, ledger_xlsx
from jinqi.plans.importing import PlanFileError
from jinqi.plans.selectors import plan_get
from jinqi.plans.services import plan_import, plan_roll_over


class Command(PlainRefusalCommand):
    help = "Import a plan's measure table, export the ledger, roll a plan over, send alerts."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="Import a CSV (UTF-8 or GBK) or XLSX measure table.")
        imp.add_argument("file", type=Path)
        imp.add_argument("--code", required=True, help="Plan code, e.g. jinshan-2022.")
        imp.add_argument("--title", required=True)
        imp.add_argument("--year", type=int, required=True)
        imp.add_argument("--document-number", default="")
        exp = sub.add_parser("export", help="Write the ledger (台账) of a plan.")
        exp.add_argument("code")
        exp.add_argument("--format", choices=["csv", "xlsx"], default="csv")
        exp.add_argument("--output", type=Path, help="File to write (required for xlsx).")
        roll = sub.add_parser("roll-over", help="Start next year's plan from an existing one.")
        roll.add_argument("code")
        roll.add_argument("--new-code", required=True)
        roll.add_argument("--title", required=True)
        roll.add_argument("--year", type=int, required=True)
        sub.add_parser("alerts", help="Send due-soon, overdue and missing-report alerts now.")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "import":
            self._import(options)
        elif action == "export":
            self._export(options)
        elif action == "roll-over":
            self._roll_over(options)
        else:
            count = alerts_send()
            self.stderr.write(f"{count} alert(s) sent")

    def _import(self, options: dict[str, Any]) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(_("%(file)s: no such file") % {"file": path})
        try:
            result = plan_import(
                code=options["code"],
                title=options["title"],
                year=options["year"],
                document_number=options["document_number"],
                content=path.read_bytes(),
                file_name=path.name,
                acting_user=_system_user(),
            )
        except PlanFileError as error:
            if len(error.errors) == 1:  # one line, as every other refusal
                raise CommandError(
                    _("%(problem)s Nothing was imported.") % {"problem": error.errors[0]}
                ) from error
            for problem in error.errors:
                self.stderr.write(str(problem))
            count = len(error.errors)
            raise CommandError(
                ngettext(
                    "%(n)s problem found; nothing was imported.",
                    "%(n)s problems found; nothing was imported.",
                    count,
                )
                % {"n": count}
            ) from error
        except DomainError as error:
            raise CommandError(error.message) from error
        self.stderr.write(
            f"{result.plan.code}: {result.created} created, {result.updated} updated, "
            f"{result.unchanged} unchanged"
        )
        if result.deadline_not_stated:
            numbers = ", ".join(str(s) for s in result.deadline_not_stated)
            self.stderr.write(f"deadline not stated, for the lead office to complete: {numbers}")

    def _export(self, options: dict[str, Any]) -> None:
        plan = _plan(options["code"])
        if options["format"] == "csv":
            text = ledger_csv(plan)
            if options["output"]:
                options["output"].write_text(text, encoding="utf-8")
            else:
                # self.stdout, not sys.stdout, so that call_command(stdout=...) captures it.
                self.stdout.write(text, ending="")
                self.stdout.flush()
        else:
            if not options["output"]:
                raise CommandError("--output FILE is required for --format xlsx")
            options["output"].write_bytes(ledger_xlsx(plan))
        self.stderr.write(f"exported {plan.measures.count()} measures of {plan.code}")

    def _roll_over(self, options: dict[str, Any]) -> None:
        try:
            plan = plan_roll_over(
                source=_plan(options["code"]),
                code=options["new_code"],
                title=options["title"],
                year=options["year"],
                acting_user=_system_user(),
            )
        except DomainError as error:
            raise CommandError(error.message) from error
        self.stderr.write(f"{plan.code}: {plan.measures.count()} measures")


def _plan(code: str) -> Any:
    try:
        return plan_get(code)
    except Http404 as error:
        raise CommandError(f"no plan with the code {code!r}") from error


def _system_user() -> Any:
    """The account command-line changes are recorded under."""
    return system_user()
