"""python -m ferrosampler: the command line lives in ferrosampler._cli."""

from __future__ import annotations

import sys

from ferrosampler._cli import main as _main
from ferrosampler._cli.known_answers import KNOWN_ANSWERS

__all__ = ["KNOWN_ANSWERS", "main"]


def main(argv: list[str] | None = None) -> int:
    # Read at call time, so code that swaps this module's KNOWN_ANSWERS (a test) is obeyed.
    return _main(argv, prog="python -m ferrosampler", known_answers=KNOWN_ANSWERS)


if __name__ == "__main__":
    sys.exit(main())
