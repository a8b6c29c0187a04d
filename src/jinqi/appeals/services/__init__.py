"""Writes for appeals, one module per use case: filing (`filing`), the department's handling
(`handling`), the enterprise's confirmation and the follow-up (`confirmation`), the lead office's
supervision and routing table (`supervision`) and the periodic jobs (`jobs`).

Every function is atomic, checks who is acting, and writes its audit rows and notices in the same
transaction. State changes go through `appeal_transition` (`transitions`) only: it enforces the
declared workflow (`appeals.workflow.WORKFLOW`) and optimistic locking (the caller passes the
`lock_version` it saw).
"""

from jinqi.appeals.services.confirmation import (
    appeal_confirm,
    appeal_follow_up_answer,
    appeal_reopen,
)
from jinqi.appeals.services.filing import AppealData, DuplicateAppealError, appeal_file
from jinqi.appeals.services.handling import (
    appeal_ask_info,
    appeal_merge,
    appeal_reassign,
    appeal_resolve,
    appeal_respond,
    appeal_supply_info,
    appeal_transfer,
)
from jinqi.appeals.services.inputs import ATTACHMENT_PURPOSE, MAX_FILES, MAX_TEXT, MAX_TITLE
from jinqi.appeals.services.jobs import (
    FOLLOW_UP_AFTER,
    appeals_escalate_overdue,
    appeals_follow_up_due,
)
from jinqi.appeals.services.supervision import appeal_urge, category_save
from jinqi.appeals.services.transitions import appeal_transition

__all__ = [
    "ATTACHMENT_PURPOSE",
    "FOLLOW_UP_AFTER",
    "MAX_FILES",
    "MAX_TEXT",
    "MAX_TITLE",
    "AppealData",
    "DuplicateAppealError",
    "appeal_ask_info",
    "appeal_confirm",
    "appeal_file",
    "appeal_follow_up_answer",
    "appeal_merge",
    "appeal_reassign",
    "appeal_reopen",
    "appeal_resolve",
    "appeal_respond",
    "appeal_supply_info",
    "appeal_transfer",
    "appeal_transition",
    "appeal_urge",
    "appeals_escalate_overdue",
    "appeals_follow_up_due",
    "category_save",
]
