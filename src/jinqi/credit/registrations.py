"""What the credit app adds to core's registries: its subcommands."""

from __future__ import annotations

from jinqi.core.commandline import register_subcommand
from jinqi.credit import repair_registrations
from jinqi.credit.cli import REPAIR_DATE, TAX_LEVEL


def register() -> None:
    register_subcommand("credit", REPAIR_DATE)
    register_subcommand("credit", TAX_LEVEL)
    repair_registrations.register()
