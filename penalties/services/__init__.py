"""Writes of fine proceedings (docs/penalties.md), one module per step: `opening`, `transitions`
(the only code that moves a proceeding), `records` (events, documents, notices), `closing` (a
month's collection) and `reminders`. Import them from `penalties.services`."""

from penalties.services.closing import fines_month_close
from penalties.services.opening import (
    LEI_14133_RANGE,
    fine_amount_check,
    fine_type_amount,
    fine_type_check,
    proceeding_open,
    proceeding_open_from_flag,
)
from penalties.services.reminders import (
    REMINDER_BUSINESS_DAYS,
    REMINDER_KEYS,
    proceeding_deadline_reminders,
)
from penalties.services.transitions import (
    DOCUMENT_STEPS,
    EXPIRY_MOVES,
    opinion_add,
    proceeding_expire,
    proceeding_transition,
    proceedings_expire,
    proceedings_expired_ids,
)

__all__ = [
    "DOCUMENT_STEPS",
    "EXPIRY_MOVES",
    "LEI_14133_RANGE",
    "REMINDER_BUSINESS_DAYS",
    "REMINDER_KEYS",
    "fine_amount_check",
    "fine_type_amount",
    "fine_type_check",
    "fines_month_close",
    "opinion_add",
    "proceeding_deadline_reminders",
    "proceeding_expire",
    "proceeding_open",
    "proceeding_open_from_flag",
    "proceeding_transition",
    "proceedings_expire",
    "proceedings_expired_ids",
]
