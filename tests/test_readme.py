"""The README's examples run as written."""

import doctest
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_examples() -> None:
    result = doctest.testfile(str(README), module_relative=False, optionflags=doctest.ELLIPSIS)
    assert result.attempted >= 3
    assert result.failed == 0


def test_readme_opens_with_the_two_commands() -> None:
    commands = [line for line in README.read_text().splitlines() if line.startswith("python3 -m")]
    assert commands[0].endswith(".venv/bin/carm estimate examples/tshirts.json --explain")
    assert commands[1].endswith(".venv/bin/python -m pytest")
