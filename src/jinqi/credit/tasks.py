"""Background jobs of credit (enqueued by the scheduler in `jinqi worker`)."""

from __future__ import annotations

from django_tasks import task

from jinqi.credit.services import credit_records_take_down


@task()
def credit_records_take_down_task() -> int:
    """Take down every record at the end of its maximum publication period."""
    return credit_records_take_down()
