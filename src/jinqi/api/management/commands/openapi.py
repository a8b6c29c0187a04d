"""`jinqi openapi [--write]`: print the API's OpenAPI document, or update the committed copy."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from jinqi.api.schema import COMMITTED, openapi_text


class Command(BaseCommand):
    help = "Print the OpenAPI document; --write updates docs/api/openapi.json."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--write", action="store_true", help="Update the committed copy.")

    def handle(self, *args: Any, **options: Any) -> None:
        text = openapi_text()
        if options["write"]:
            COMMITTED.parent.mkdir(parents=True, exist_ok=True)
            COMMITTED.write_text(text, encoding="utf-8")
            self.stderr.write(f"wrote {COMMITTED}")
        else:
            self.stdout.write(text, ending="")
