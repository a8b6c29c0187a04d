"""What the credit app publishes into the registry's profile, as ordinary facts: whether the
enterprise is on the serious-dishonesty list and on the abnormal-operation list, worked out from
its records in force (published, not masked). Rules (policies, gates) read these facts; no app
above needs to import credit to know them."""

from __future__ import annotations

from jinqi.accounts.models import Department, User
from jinqi.core import clock
from jinqi.credit.enums import RecordKind, RecordStatus
from jinqi.credit.models import CreditRecord
from jinqi.registry.models import Delivery, Enterprise
from jinqi.registry.selectors import profile_dict
from jinqi.registry.services import FactIn, facts_record

# Profile key → the kind of record that sets it while one is in force.
PUBLISHED_FACTS: dict[str, str] = {
    "in_serious_dishonesty_list": RecordKind.SERIOUS_DISHONESTY,
    "in_abnormal_list": RecordKind.ABNORMAL_LIST,
}
# The kinds a fact stands for, the other way round (a gate names the record behind a fact).
KIND_OF_FACT = PUBLISHED_FACTS


def credit_facts(enterprise: Enterprise) -> dict[str, bool]:
    """The facts as the enterprise's records in force say now."""
    kinds = set(
        CreditRecord.objects.filter(
            enterprise=enterprise, status=RecordStatus.PUBLISHED
        ).values_list("kind", flat=True)
    )
    return {key: kind in kinds for key, kind in PUBLISHED_FACTS.items()}


def credit_facts_publish(
    *, enterprise: Enterprise, source: Department, acting_user: User, always: bool = False
) -> Delivery | None:
    """Deliver the enterprise's credit facts from `source` (the department whose record
    changed them) when they differ from the profile's, or `always` (a record's arrival is then
    traceable to its delivery). Returns the delivery, if one was made."""
    facts = credit_facts(enterprise)
    current = profile_dict(enterprise)
    if not always and all(current.get(key) is value for key, value in facts.items()):
        return None
    recorded = facts_record(
        enterprise=enterprise,
        facts=[FactIn(key, value) for key, value in facts.items()],
        source=source,
        as_of=clock.today(),
        acting_user=acting_user,
    )
    return recorded[0].delivery
