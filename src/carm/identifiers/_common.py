"""Shared helpers for the identifier modules (private)."""

from __future__ import annotations

from carm.errors import InvalidType


def clean(number: object, *, path: str, strip: str = " -") -> str:
    """``number`` upper-cased, without surrounding blanks and without any of ``strip``."""
    if not isinstance(number, str):
        raise InvalidType(value=number, path=path, expected="a str")
    text = number.strip().upper()
    for char in strip:
        text = text.replace(char, "")
    return text
