"""`jinqi inspections <subcommand>`: the draw and the merge from the command line. Every
subcommand is contributed through `core.commandline.register_subcommand` (the app's own in
`inspections.cli`)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from jinqi.core.commandline import PlainRefusalCommand, contributed_subcommands


class Command(PlainRefusalCommand):
    help = "Inspection tools: the 双随机 sample and the merge of tasks into visits."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        for name, contributed in contributed_subcommands("inspections").items():
            text = str(contributed.help)
            contributed.add_arguments(sub.add_parser(name, help=text, description=text))

    def handle(self, *args: Any, **options: Any) -> None:
        contributed_subcommands("inspections")[options["subcommand"]].handle(self, options)
