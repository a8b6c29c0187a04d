"""The one way an application changes state: an action of the declared workflow
(applications/workflow.py), taken with the `lock_version` the caller saw. Callers are atomic."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jinqi.accounts.models import User
from jinqi.applications.models import Application
from jinqi.applications.workflow import WORKFLOW
from jinqi.core import clock


def application_move(
    *,
    application: Application,
    action: str,
    lock_version: int,
    acting_user: User,
    text: str = "",
    changes: Mapping[str, Any] | None = None,
) -> Application:
    """Take `action` on `application` (checked, locked, logged, audited, announced to the
    enterprise) and return it as it now is."""
    WORKFLOW.apply(
        application,
        action,
        lock_version=lock_version,
        acting_user=acting_user,
        text=text,
        changes={**(changes or {}), "updated_at": clock.now()},
    )
    return application
