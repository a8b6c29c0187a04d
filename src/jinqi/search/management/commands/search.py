"""`jinqi search reindex`: rebuild the search index from every registered source.

jinqi search reindex
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from jinqi.core.commandline import ProgressBar
from jinqi.search.indexing import all_count, all_texts, index_rebuild


class Command(BaseCommand):
    help = "Search: rebuild the index from the policies, service guides and FAQs."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        sub.add_parser("reindex", help=_("Rebuild the search index from every registered source."))

    def handle(self, *args: Any, **options: Any) -> None:
        bar = ProgressBar(self.stderr, _("documents"))
        count = index_rebuild(all_texts(), progress=bar, total=all_count())
        bar.finish()
        self.stdout.write(_("%(count)d documents indexed.") % {"count": count})
