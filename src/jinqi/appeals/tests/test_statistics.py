"""The 接诉即办 figures on a hand-made set, per department and for the district."""

from __future__ import annotations

import datetime as dt

import pytest

from jinqi.appeals import services, statistics
from jinqi.appeals.tests import factories as f
from jinqi.core import clock
from jinqi.core.indicators import indicator

pytestmark = pytest.mark.django_db


def test_rates_on_a_hand_made_set() -> None:
    """Five tax appeals filed on Monday 2 March 2026 (response due Tuesday):
    A answered on time, closed solved, rated 5; B answered on time, closed not solved, rated 3;
    C answered late (Thursday), reopened, resolved again, closed solved, rated 4;
    D not answered, overdue; E merged into A (left out). One 社保 appeal answered on time."""
    user = f.firm_user()
    with clock.frozen_at(dt.datetime(2026, 3, 2, 10)):
        a, b, c, _d, e = (
            # Alike by design (E duplicates A): filed anyway, past the duplicate warning.
            f.filed(user, title=f"事项{i}", text=f"完全不同的事项内容{i}" * 3, file_anyway=True)
            for i in "ABCDE"
        )
        other = f.filed(code="social-insurance")
        staff, hr = f.staff_of(a), f.staff_of(other)
        for item in (a, b):
            f.step(services.appeal_respond, item, staff, text="已收到")
        f.step(services.appeal_respond, other, hr, text="已收到")
        services.appeal_merge(
            duplicate=e, original=a, lock_version=e.lock_version, acting_user=staff
        )
        clock.advance(dt.timedelta(days=3))  # Thursday
        f.step(services.appeal_respond, c, staff, text="已收到")
        for item in (a, b, c):
            f.step(services.appeal_resolve, item, staff, answer="答复")
        f.step(services.appeal_reopen, c, user, reason="未解决")
        f.step(services.appeal_resolve, c, staff, answer="再次答复")
        f.step(services.appeal_confirm, a, user, rating=5, solved=True)
        f.step(services.appeal_confirm, b, user, rating=3, solved=False)
        f.step(services.appeal_confirm, c, user, rating=4, solved=True)
        rows = statistics.by_department(dt.date(2026, 3, 1), dt.date(2026, 3, 31))
        total = statistics.district(dt.date(2026, 3, 1), dt.date(2026, 3, 31))
        assert indicator("appeals.response_rate").compute() == 60.0  # type: ignore[union-attr]  # registered
    tax = next(r for r in rows if r.department and r.department.code == "tax-jinshan")
    assert tax.volume == 4
    assert (tax.responded_on_time, tax.responses_due, tax.response_rate) == (2, 4, 50.0)
    assert (tax.solved, tax.closed, tax.resolution_rate) == (2, 3, 66.7)
    assert (tax.satisfied, tax.rated, tax.satisfaction_rate) == (2, 3, 66.7)
    assert (tax.reopened, tax.resolved_ever, tax.reopen_rate) == (1, 3, 33.3)
    assert tax.open_overdue == 1
    assert total.volume == 5 and total.response_rate == 60.0  # 3 of 5
    assert rows[0].department.code == "tax-jinshan"  # type: ignore[union-attr]  # the busiest first


def test_no_appeals_no_rates() -> None:
    """With nothing due or rated a rate is unknown (None), not 0 % or 100 %."""
    total = statistics.district(dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert total.volume == 0 and total.response_rate is None and total.satisfaction_rate is None
