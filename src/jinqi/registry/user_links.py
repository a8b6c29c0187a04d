"""The link from a user account to its enterprise's registry record, kept by the registry.

An enterprise user is bound to its firm by the credit code (`User.enterprise_uscc`); the link
(`User.enterprise`) follows the code once the registry has the firm's record. Accounts sits below
the registry and never imports it, so the registry keeps the link: when a user is saved with a
code (`user_enterprise_fill`, on User's pre_save) and when the registry creates enterprises whose
codes users already carry (`users_link`). The link is derived from the code, which the account's
own changes record, so linking is not audited again.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from jinqi.accounts.models import User
from jinqi.registry.models import Enterprise

# Codes per lookup: well inside every database's limit on the parameters of one statement.
CODES_PER_QUERY = 500


def users_link(*, usccs: Iterable[str] | None = None) -> int:
    """Link the users carrying these credit codes (any code when None) and no link yet to the
    registry's records with those codes; returns how many users were linked."""
    waiting = User.objects.filter(enterprise__isnull=True).exclude(enterprise_uscc="")
    if usccs is not None:
        waiting = waiting.filter(enterprise_uscc__in=list(usccs))
    codes = dict(waiting.values_list("pk", "enterprise_uscc"))
    wanted = sorted(set(codes.values()))
    ids: dict[str, int] = {}
    for start in range(0, len(wanted), CODES_PER_QUERY):
        part = wanted[start : start + CODES_PER_QUERY]
        ids.update(Enterprise.objects.filter(uscc__in=part).values_list("uscc", "pk"))
    linked = [User(pk=pk, enterprise_id=ids[code]) for pk, code in codes.items() if code in ids]
    User.objects.bulk_update(linked, ["enterprise"], batch_size=CODES_PER_QUERY)
    return len(linked)


def user_enterprise_fill(
    sender: type[User],
    instance: User,
    raw: bool = False,
    update_fields: frozenset[str] | None = None,
    **kwargs: Any,
) -> None:
    """Before a user is saved, point its link at the record of its credit code (none without a
    code or a record); a save that leaves the code alone leaves the link alone."""
    if raw or (update_fields is not None and "enterprise_uscc" not in update_fields):
        return  # fixtures load as given
    code = instance.enterprise_uscc
    if User.enterprise.is_cached(instance) and getattr(instance.enterprise, "uscc", "") == code:
        return  # the same record (a second save of the same user)
    if not code and instance.enterprise_id is None:
        return
    enterprise = Enterprise.objects.filter(uscc=code).first() if code else None
    instance.enterprise = enterprise
    if update_fields is not None and "enterprise" not in update_fields and instance.pk:
        # The save writes only the fields it names: the link follows the code here.
        User.objects.filter(pk=instance.pk).update(enterprise=enterprise)
