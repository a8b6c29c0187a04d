"""Signals of the credit app: a record arrived or changed (status, fulfilment). Whatever depends
on records (credit reports to revoke) listens here rather than being called."""

from django.dispatch import Signal

# Sent with `record` (CreditRecord) and `change` (the workflow action or "arrived", "fulfilled").
record_changed = Signal()
