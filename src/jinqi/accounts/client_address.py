"""The client's address as the lockout counts it, behind a configured number of proxies."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str | None:
    """REMOTE_ADDR, or behind JINQI_TRUSTED_PROXY_COUNT proxies the address the outermost of
    them saw: X-Forwarded-For's Nth entry from the right. Entries further left were written by
    the client itself and are never trusted."""
    remote: str | None = request.META.get("REMOTE_ADDR")
    count: int = settings.JINQI_TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    hops = [hop for hop in hops if hop]
    if len(hops) < count:
        return remote  # the request did not pass through every trusted proxy
    candidate = hops[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
