"""Running a service from a POST view: its refusal or its success as a message on the next page."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django import forms
from django.contrib import messages
from django.http import HttpRequest

from jinqi.core.errors import DomainError

T = TypeVar("T")


def perform(request: HttpRequest, action: Callable[[], T], success: Callable[[T], str]) -> T | None:
    """Run `action`; on a DomainError show its message and return None, else show
    `success(result)` and return the result."""
    try:
        result = action()
    except DomainError as error:
        messages.error(request, error.message)
        return None
    messages.success(request, success(result))
    return result


def form_refused(request: HttpRequest, form: forms.Form) -> None:
    """Show a posted form's errors as messages, for a POST view that redirects back."""
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, str(error))
