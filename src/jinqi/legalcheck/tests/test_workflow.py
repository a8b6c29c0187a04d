"""The legal check's workflow: only the declared moves, by the declared actors."""

from __future__ import annotations

import pytest

from jinqi.core import clock
from jinqi.core.tests.workflow_matrix import assert_only_declared_moves
from jinqi.legalcheck.tests import factories as f
from jinqi.legalcheck.workflow import ENTERPRISE, LEGAL_CHECK_WORKFLOW, PROVIDER

pytestmark = pytest.mark.django_db


def test_only_declared_moves():
    """Every state × action × actor: what is declared is allowed, the rest refused and the
    check left as it was."""
    provider = f.justice_staff()
    made = []

    def record_in(state: str):
        firm = f.firm()
        made.append(firm)
        return f.in_state(state, firm, provider)

    firm_users: dict[str, object] = {}

    class Enterprise:
        """Whoever owns the record at hand acts as the enterprise."""

    with clock.frozen_at(f.TODAY):
        def record_and_owner(state: str):
            check = record_in(state)
            firm_users["current"] = check.requested_by
            return check

        # The enterprise actor is the check's own requester: built per record.
        tried = assert_only_declared_moves(
            LEGAL_CHECK_WORKFLOW,
            record_and_owner,
            {PROVIDER: provider, ENTERPRISE: _Proxy(firm_users)},
        )
    assert tried > 0


class _Proxy:
    """The enterprise user of the last record made (each record has its own enterprise)."""

    def __init__(self, holder: dict[str, object]) -> None:
        self._holder = holder

    def __getattr__(self, name: str) -> object:
        return getattr(self._holder["current"], name)
