"""`jinqi credit <subcommand>`: credit from the command line. Every subcommand is contributed
through `core.commandline.register_subcommand` (the credit app's own in `credit.cli`)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from jinqi.core.commandline import PlainRefusalCommand, contributed_subcommands


class Command(PlainRefusalCommand):
    help = "Credit tools: repair dates of a record, the tax credit level of a score."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        for name, contributed in contributed_subcommands("credit").items():
            text = str(contributed.help)
            contributed.add_arguments(sub.add_parser(name, help=text, description=text))

    def handle(self, *args: Any, **options: Any) -> None:
        contributed_subcommands("credit")[options["subcommand"]].handle(self, options)
