"""The demo's inboxes after its simulated years: each user keeps a believable handful of unread
notices (the newest); the rest read, as a user who had been working along would have them."""

from __future__ import annotations

from collections.abc import Callable

from jinqi.notifications.services import notifications_keep_newest_unread

UNREAD_PER_USER = 5


def demo_inboxes_settle(report: Callable[[str], None]) -> None:
    marked = notifications_keep_newest_unread(keep=UNREAD_PER_USER)
    if marked:
        report(f"inboxes: at most {UNREAD_PER_USER} unread notices each ({marked} marked read)")
