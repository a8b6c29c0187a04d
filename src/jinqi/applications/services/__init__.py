"""Writes for applications, one module per use case: the policy's form (`forms`), guidance and
prefill before applying (`guidance`), the enterprise's draft and submission (`filing`), the
department's review (`review`), the public notice, objections and payment (`publicity`), drafts'
retention (`retention`).

Every write is atomic, checks who is acting, and writes its audit rows and notices (进度推送) in
the same transaction. State changes go through `moves.application_move` only: an action of the
declared workflow (applications/workflow.py) with optimistic locking (the caller passes the
`lock_version` it saw). The names below are the package's interface for views, API and tasks.
"""

from __future__ import annotations

from jinqi.applications.services.filing import (
    MATERIAL_PURPOSE,
    MAX_ANSWERS_BYTES,
    application_answers_save,
    application_start,
    application_submit,
    application_withdraw,
    attachment_add,
    attachment_remove,
    submission_problems,
)
from jinqi.applications.services.forms import FormSettings, form_current, form_save
from jinqi.applications.services.guidance import (
    Guidance,
    guidance,
    json_value,
    prefill,
    prefill_described,
    prefill_for,
    prefilled_values,
)
from jinqi.applications.services.moves import application_move
from jinqi.applications.services.publicity import (
    MAX_OBJECTION,
    application_disburse,
    applications_publicise,
    objection_answer,
    objection_raise,
)
from jinqi.applications.services.retention import STALE_AFTER, drafts_remind_stale
from jinqi.applications.services.review import (
    application_accept,
    application_reject,
    application_return,
    application_review_pass,
)

__all__ = [
    "MATERIAL_PURPOSE",
    "MAX_ANSWERS_BYTES",
    "MAX_OBJECTION",
    "STALE_AFTER",
    "FormSettings",
    "Guidance",
    "application_accept",
    "application_answers_save",
    "application_disburse",
    "application_move",
    "application_reject",
    "application_return",
    "application_review_pass",
    "application_start",
    "application_submit",
    "application_withdraw",
    "applications_publicise",
    "attachment_add",
    "attachment_remove",
    "drafts_remind_stale",
    "form_current",
    "form_save",
    "guidance",
    "json_value",
    "objection_answer",
    "objection_raise",
    "prefill",
    "prefill_described",
    "prefill_for",
    "prefilled_values",
    "submission_problems",
]
