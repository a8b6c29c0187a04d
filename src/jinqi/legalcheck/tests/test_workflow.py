"""The legal check's workflow: only the declared moves, by the declared actors."""

from __future__ import annotations

from typing import Any

import pytest

from jinqi.core import clock
from jinqi.core.tests.workflow_matrix import assert_only_declared_moves
from jinqi.legalcheck.models import LegalCheck
from jinqi.legalcheck.tests import factories as f
from jinqi.legalcheck.workflow import ENTERPRISE, LEGAL_CHECK_WORKFLOW, PROVIDER

pytestmark = pytest.mark.django_db


class _OwnerOfLast:
    """The enterprise user of the record made last: each record has its own enterprise, and
    the matrix takes one user per actor."""

    def __init__(self) -> None:
        self.current: Any = None

    def __getattr__(self, name: str) -> Any:
        return getattr(self.current, name)


def test_only_declared_moves() -> None:
    """Every state × action × actor: what is declared is allowed, the rest refused and the
    check left as it was."""
    provider = f.justice_staff()
    owner = _OwnerOfLast()

    def record_in(state: str) -> LegalCheck:
        check = f.in_state(state, f.firm(), provider)
        owner.current = check.requested_by
        return check

    with clock.frozen_at(f.TODAY):
        tried = assert_only_declared_moves(
            LEGAL_CHECK_WORKFLOW, record_in, {PROVIDER: provider, ENTERPRISE: owner}
        )
    assert tried > 0
