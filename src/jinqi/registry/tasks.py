"""Background jobs of the registry."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django_tasks import task

from jinqi.accounts.models import User
from jinqi.core.models import StoredFile


@task()
def registry_import_upload(stored_uuid: str, user_id: int, as_of: str | None) -> dict[str, Any]:
    """Import a file uploaded through the API, as its uploader's department."""
    # Cycle: importing.batch → bulk → services, which queues this task.
    from jinqi.registry.importing.batch import registry_import

    stored = StoredFile.objects.get(uuid=stored_uuid)
    user = User.objects.select_related("department").get(pk=user_id)
    assert user.department is not None  # checked before the upload was queued
    result = registry_import(
        path=Path(stored.file.path),
        source=user.department,
        acting_user=user,
        as_of=dt.date.fromisoformat(as_of) if as_of else None,
        file_name=stored.original_name,
    )
    return {"batch": result.batch.pk, "imported": result.imported, "rejected": result.rejected}
