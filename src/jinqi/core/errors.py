"""Errors that services raise and interfaces turn into messages."""

from __future__ import annotations

from typing import Any

from jinqi.core.request_id import current_request_id


def error_body(code: str, message: str, details: Any = None) -> dict[str, Any]:
    """The API's one error shape (docs/api/README.md), also written by core's middleware for
    paths under /api/: {"error": {"code", "message", "details", "request_id"}}."""
    return {
        "error": {
            "code": code,
            "message": message,
            "details": details,
            "request_id": current_request_id(),
        }
    }


class DomainError(Exception):
    """A rule of the domain refused the operation; `message` is shown to the user."""

    code = "domain_error"

    def __init__(self, message: str, *, details: object = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class PermissionDenied(DomainError):  # noqa: N818 -- named after Django's, which it mirrors for services
    code = "permission_denied"


class ConflictError(DomainError):
    """Someone else changed the record first (optimistic locking)."""

    code = "conflict"
