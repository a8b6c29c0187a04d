"""Role → capability maps. Each app declares its own; views and endpoints name a capability.

The authorization test walks every URL and API operation and checks it against these maps, so
a view that names no capability, or a capability that no map declares, fails the suite.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied

PUBLIC = "public"  # anyone, logged in or not
AUTHENTICATED = "authenticated"  # any logged-in user

_capabilities: dict[str, frozenset[str]] = {}

F = TypeVar("F", bound=Callable[..., Any])


def register_capabilities(mapping: dict[str, set[str] | frozenset[str]]) -> None:
    """Declare capabilities as capability → roles that hold it."""
    for name, roles in mapping.items():
        _capabilities[name] = frozenset(roles)


def capability_roles(name: str) -> frozenset[str]:
    return _capabilities[name]


def all_capabilities() -> dict[str, frozenset[str]]:
    return dict(_capabilities)


def has_capability(user: Any, name: str) -> bool:
    if name == PUBLIC:
        return True
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if name == AUTHENTICATED:
        return True
    scopes = getattr(user, "token_scopes", None)
    if scopes is not None and name not in scopes:
        return False  # a request made with an API token can do only what the token allows
    return getattr(user, "role", None) in _capabilities[name]


def requires(capability: str) -> Callable[[F], F]:
    """Mark a view with the capability it needs; users without it get 403."""

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapper(request: Any, *args: Any, **kwargs: Any) -> Any:
            if not has_capability(request.user, capability):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapper.required_capability = capability  # type: ignore[attr-defined]  # read by the URL walker
        if capability == PUBLIC:
            return login_not_required(wrapper)  # type: ignore[return-value]  # same signature
        return wrapper  # type: ignore[return-value]  # same signature

    return decorate


def ensure_capability(user: Any, capability: str) -> None:
    """For API handlers: raise the domain's PermissionDenied (a 403 with the API's format)."""
    from django.utils.translation import gettext as _

    from jinqi.core.errors import PermissionDenied as DomainPermissionDenied

    if not has_capability(user, capability):
        raise DomainPermissionDenied(_("You are not allowed to do this."))


def declares(capability: str) -> dict[str, Any]:
    """OpenAPI extra for an operation: the capability it needs, read by the authorization test."""
    return {"x-capability": capability}
