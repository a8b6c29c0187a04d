"""Masking of personal data for lists, exports and API responses."""

from __future__ import annotations


def mask_name(name: str) -> str:
    """张三丰 → 张**; an empty name stays empty."""
    return name[:1] + "*" * (len(name) - 1) if name else ""


def mask_phone(phone: str) -> str:
    """13812345678 → 138****5678; short numbers keep only their last two digits."""
    if len(phone) >= 7:
        return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]
    return "*" * max(len(phone) - 2, 0) + phone[-2:]


def mask_contact(contact: str) -> str:
    """A phone number as a phone (138****5678), anything else (an e-mail, a name) as a name."""
    digits = sum(c.isdigit() for c in contact)
    return mask_phone(contact) if digits >= 7 else mask_name(contact)
