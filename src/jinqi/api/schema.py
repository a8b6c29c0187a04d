"""The committed OpenAPI document (docs/api/openapi.json), so API changes show up in review."""

from __future__ import annotations

import json
from pathlib import Path

from django.utils import translation

from jinqi.api.api import api

COMMITTED = Path(__file__).resolve().parents[3] / "docs" / "api" / "openapi.json"


def openapi_text() -> str:
    """The document in English, whatever the active language, so it diffs stably."""
    with translation.override("en"):
        schema = api.get_openapi_schema(path_prefix="/api/v1/")
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
