"""The credit app's subcommands: `jinqi credit repair-date` and `jinqi credit tax-level`."""

from __future__ import annotations

import argparse
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jinqi.core.commandline import Subcommand, iso_date
from jinqi.credit.enums import Severity
from jinqi.credit.levels import tax_level
from jinqi.credit.periods import CURRENT, repair_dates


def add_repair_date_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--class", dest="severity", required=True, choices=Severity.values, help=_("Class.")
    )
    parser.add_argument("--decided", type=iso_date, required=True, help=_("Decision date."))
    parser.add_argument("--fulfilled", type=iso_date, help=_("Obligation fulfilled on."))


def handle_repair_date(command: BaseCommand, options: dict[str, Any]) -> None:
    try:
        dates = repair_dates(
            severity=options["severity"],
            decided=options["decided"],
            fulfilled=options["fulfilled"],
            rule=CURRENT,
        )
    except ValueError as error:
        raise CommandError(str(error)) from None
    earliest = dates.earliest_repair
    answer = {
        "class": options["severity"],
        "earliest_repair": earliest.isoformat() if earliest else None,
        "takedown": dates.takedown.isoformat(),
        "basis": dates.basis,
    }
    command.stdout.write(json.dumps(answer, ensure_ascii=False))


def score(text: str) -> int:
    """An argparse type: a whole number from 0 to 100, or a clear error."""
    refusal = argparse.ArgumentTypeError(
        _("“%(value)s” is not a score (a whole number from 0 to 100)") % {"value": text}
    )
    if not text.strip().isdigit():
        raise refusal
    value = int(text)
    if not 0 <= value <= 100:
        raise refusal
    return value


def add_tax_level_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--score", type=score, required=True, help=_("The year's score."))
    parser.add_argument("--new-entity", action="store_true", help=_("Newly established."))
    parser.add_argument(
        "--no-revenue", action="store_true", help=_("No operating revenue in the year.")
    )
    parser.add_argument("--direct-d", action="store_true", help=_("Directly judged D."))


def handle_tax_level(command: BaseCommand, options: dict[str, Any]) -> None:
    command.stdout.write(
        tax_level(
            options["score"],
            new_entity=options["new_entity"],
            no_revenue=options["no_revenue"],
            direct_d=options["direct_d"],
        )
    )


REPAIR_DATE = Subcommand(
    "repair-date",
    gettext_lazy(
        "Print the earliest repair day and the take-down day of a record under 国办发〔2025〕22号, "
        "as JSON."
    ),
    add_repair_date_arguments,
    handle_repair_date,
)
TAX_LEVEL = Subcommand(
    "tax-level",
    gettext_lazy("Print the tax credit level (A, B, M, C or D) of a year's score."),
    add_tax_level_arguments,
    handle_tax_level,
)
