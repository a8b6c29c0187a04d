"""Role → capability maps. Each app declares its own; views and endpoints name a capability.

The authorization test walks every URL and API operation and checks it against these maps, so
a view that names no capability, or a capability that no map declares, fails the suite.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.admin import ModelAdmin
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from jinqi.core.errors import PermissionDenied as DomainPermissionDenied

PUBLIC = "public"  # anyone, logged in or not
AUTHENTICATED = "authenticated"  # any logged-in user

_capabilities: dict[str, frozenset[str]] = {}
_confining: set[str] = set()

F = TypeVar("F", bound=Callable[..., Any])


def register_capabilities(mapping: dict[str, set[str] | frozenset[str]]) -> None:
    """Declare capabilities as capability → roles that hold it."""
    for name, roles in mapping.items():
        _capabilities[name] = frozenset(roles)


def all_capabilities() -> dict[str, frozenset[str]]:
    return dict(_capabilities)


def confine_tokens(capability: str) -> None:
    """An API token carrying `capability` may exercise its scopes and nothing else, not even
    what any logged-in user may (a financial institution's token reads data packages only)."""
    _confining.add(capability)


def has_capability(user: Any, name: str) -> bool:
    if name == PUBLIC:
        return True
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    scopes = getattr(user, "token_scopes", None)
    if name == AUTHENTICATED:
        return scopes is None or not _confining.intersection(scopes)
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
    if not has_capability(user, capability):
        raise DomainPermissionDenied(_("You are not allowed to do this."))


def declares(capability: str) -> dict[str, Any]:
    """OpenAPI extra for an operation: the capability it needs, read by the authorization test."""
    return {"x-capability": capability}


# The platform's own data in the Django admin (plans, applications, appeals, files, calendar,
# outbox). The name lives here because core's admin pages use it; accounts says who holds it.
ADMINISTER_PLATFORM = "admin.platform"


class CapabilityAdmin:
    """A Django admin page guarded by capabilities, as views are: the role decides, never
    Django's model permissions or `is_superuser`, so that each of the three administrators
    (三员) sees only their own pages. Mix in before `admin.ModelAdmin`; a subclass may still
    refuse more (a read-only page returns False from `has_change_permission`)."""

    view_capability: str = ""  # who may look; the change capability includes looking
    change_capability: str = ""  # who may add, change and delete; empty: nobody

    @staticmethod
    def _holds(request: Any, capability: str) -> bool:
        user = request.user
        return bool(capability) and user.is_staff and has_capability(user, capability)

    def has_module_permission(self, request: Any) -> bool:
        return self.has_view_permission(request)

    def has_view_permission(self, request: Any, obj: Any = None) -> bool:
        return self._holds(request, self.view_capability) or self._holds(
            request, self.change_capability
        )

    def has_add_permission(self, request: Any, *args: Any) -> bool:
        return self._holds(request, self.change_capability)

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return self._holds(request, self.change_capability)

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return self._holds(request, self.change_capability)


_REFUSALS = ("has_add_permission", "has_change_permission", "has_delete_permission")


def guarded_admin(admin_class: type, *, view: str, change: str = "") -> type:
    """A third-party admin class behind capabilities: the role decides, and whatever the
    original refused by itself (a read-only page) stays refused."""
    namespace: dict[str, Any] = {"view_capability": view, "change_capability": change}
    for name in _REFUSALS:
        own = getattr(admin_class, name)
        if own is not getattr(ModelAdmin, name):

            def both(
                self: Any, request: Any, *args: Any, _name: str = name, _own: Any = own
            ) -> bool:
                return bool(getattr(CapabilityAdmin, _name)(self, request, *args)) and bool(
                    _own(self, request, *args)
                )

            namespace[name] = both
    return type(admin_class.__name__, (CapabilityAdmin, admin_class), namespace)
