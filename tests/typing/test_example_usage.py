"""The typed example script (which mypy checks in scripts/lint.sh) also runs and passes."""

from __future__ import annotations

import runpy
from pathlib import Path


def test_the_typed_example_runs():
    runpy.run_path(str(Path(__file__).with_name("example_usage.py")), run_name="__main__")
