"""What the inspections app adds to the shared registries (called from its AppConfig.ready)."""

from __future__ import annotations

from jinqi.core.commandline import register_subcommand
from jinqi.inspections.cli import MERGE, SAMPLE


def register() -> None:
    register_subcommand("inspections", SAMPLE)
    register_subcommand("inspections", MERGE)
