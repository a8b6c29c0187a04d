"""`jinqi registry synth`: the synthetic population written to a Parquet file, a subcommand the
demo package adds to the registry's command (the registry app does not know this package)."""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jinqi.core.commandline import ProgressBar, Subcommand
from jinqi.demo.synth import BLOCK_ROWS, synth_write


def add_synth_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--count", type=int, required=True, help=_("Number of enterprises."))
    parser.add_argument("--seed", type=int, default=0, help=_("Random seed (default 0)."))
    parser.add_argument("--output", type=Path, required=True, metavar="FILE.parquet")


def handle_synth(command: BaseCommand, options: dict[str, Any]) -> None:
    count: int = options["count"]
    if count < 0:
        raise CommandError(_("--count must not be negative"))
    bar = ProgressBar(command.stderr, _("enterprises")) if count > BLOCK_ROWS else None
    started = time.monotonic()
    written = synth_write(options["output"], count=count, seed=options["seed"], on_progress=bar)
    if bar is not None:
        bar.finish()
    command.stderr.write(
        _("%(count)s enterprises written to %(file)s in %(seconds).1f s")
        % {"count": written, "file": options["output"], "seconds": time.monotonic() - started}
    )


SYNTH_SUBCOMMAND = Subcommand(
    "synth",
    gettext_lazy(
        "Write a synthetic population of Jinshan enterprises to a Parquet file (the same seed "
        "gives the same file)."
    ),
    add_synth_arguments,
    handle_synth,
)
