"""Reading users' files with a carm error instead of an OSError (private)."""

from __future__ import annotations

from pathlib import Path

from carm.errors import InvalidComponent


def read_text(path: str | Path, *, encoding: str = "utf-8") -> str:
    """The file's text, or :class:`~carm.errors.InvalidComponent` saying why it cannot be read."""
    try:
        return Path(path).read_text(encoding=encoding)
    except OSError as error:
        raise InvalidComponent(
            f"cannot read the file ({error.strerror})", value=str(path), path="file"
        ) from None
