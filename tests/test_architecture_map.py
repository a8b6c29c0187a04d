"""The map drawn in docs/architecture.md is the layers contract that lint-imports enforces."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _contract_layers() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    (layers,) = [c["layers"] for c in contracts if c["type"] == "layers"]
    return list(layers)


def _drawn_layers() -> list[str]:
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- the map: .*? -->\n```text\n(.*?)```", text, re.DOTALL)
    assert block is not None, "docs/architecture.md has lost its map block"
    return block.group(1).splitlines()


def test_the_documented_map_is_the_enforced_contract() -> None:
    """Each line of the documented map is the contract's layer at the same place."""
    assert _drawn_layers() == _contract_layers()
