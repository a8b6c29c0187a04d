"""Conventions of the text boundary (ADR 0008): no form field and no API input bypasses it.

Walked from the code, not listed by hand, so that a new form or operation is covered at once.
"""

from __future__ import annotations

import importlib
import pkgutil
import types
import typing
from typing import Any

from django import forms
from ninja.params.models import PathModel, QueryModel
from pydantic import BaseModel
from pydantic.fields import FieldInfo

import jinqi
from jinqi.api.api import api
from jinqi.core.forms import BoundaryField
from jinqi.core.schemas import BOUNDARY_VALIDATORS


def _all_subclasses(cls: type) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found |= {sub, *_all_subclasses(sub)}
    return found


def _import_project() -> None:
    for module in pkgutil.walk_packages(jinqi.__path__, "jinqi."):
        if ".tests" in module.name or ".migrations" in module.name or "settings." in module.name:
            continue
        importlib.import_module(module.name)


def test_every_form_text_field_passes_the_boundary() -> None:
    """Every CharField (URLField, SlugField… included) of every project form is a BoundaryField."""
    _import_project()
    bypassing = [
        f"{form.__module__}.{form.__qualname__}.{name}"
        for form in _all_subclasses(forms.BaseForm)
        if form.__module__.startswith("jinqi.") and ".tests" not in form.__module__
        for name, field in getattr(form, "base_fields", {}).items()
        if isinstance(field, forms.CharField) and not isinstance(field, BoundaryField)
    ]
    assert bypassing == [], "use jinqi.core.forms.LineField / TextField / LinkField / SlugField"


def _checked(info: FieldInfo) -> bool:
    return any(getattr(m, "func", None) in BOUNDARY_VALIDATORS for m in info.metadata)


def _bypassing(annotation: Any, info: FieldInfo | None, where: str) -> list[str]:
    """The places under one annotation where a text could enter unchecked."""
    if info is not None and _checked(info):
        return []
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        base, *extra = typing.get_args(annotation)
        if any(getattr(m, "func", None) in BOUNDARY_VALIDATORS for m in extra):
            return []
        return _bypassing(base, None, where)
    if annotation is str or annotation is Any:
        return [where]
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [
            place
            for name, field in annotation.model_fields.items()
            for place in _bypassing(field.annotation, field, f"{where}.{name}")
        ]
    if origin is not None or isinstance(annotation, types.UnionType):
        return [
            place
            for arg in typing.get_args(annotation)
            if arg is not type(None) and not isinstance(arg, int | str)  # Literal values
            for place in _bypassing(arg, None, where)
        ]
    return []


def test_every_api_input_text_passes_the_boundary() -> None:
    """Bodies and forms of every operation type each str (and free JSON) with a boundary type;
    paths and query strings pass the middleware instead."""
    bypassing = []
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                for model in operation.models:
                    if issubclass(model, PathModel | QueryModel):
                        continue
                    bypassing += _bypassing(model, None, f"{prefix}{path} {operation.methods}")
    assert bypassing == [], "use jinqi.core.schemas.LineText / MultiLineText / TextJSON"
