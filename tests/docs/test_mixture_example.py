"""The LLM-style mix of docs/mixtures.md and README.md (three sources, a schedule shifting weight after a warm-up, a
crash, a resume on another world size) runs as written and prints the realised proportions the pages show."""

from __future__ import annotations

import contextlib
import io
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parents[2]
BLOCKS = re.compile(r"^```(\w*)\n(.*?)^```", re.MULTILINE | re.DOTALL)


def run(code: str) -> str:
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(code, "<docs example>", "exec"), {"__name__": "__docs__"})
    return printed.getvalue()


def test_the_mixtures_page_prints_what_it_shows() -> None:
    page = (ROOT / "docs" / "mixtures.md").read_text(encoding="utf-8")
    section = page.split("## A schedule, a crash, and a resume on another world size", 1)[1]
    (kind, code), (_, shown) = BLOCKS.findall(section)[:2]
    assert kind == "python" and "combine_states" in code and "schedule" in code
    assert run(code) == shown


def test_the_readme_mix_prints_the_proportions_its_comments_give() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Mixtures of datasets", 1)[1]
    code = next(code for kind, code in BLOCKS.findall(section) if kind == "python")
    assert "num_replicas=4" in code and "num_replicas=2" in code and "schedule" in code
    expected = [
        f"{label} {comment.strip()}" for label, comment in re.findall(r'print\("([\w-]+)", .*\)\s*# (.*)', code)
    ]
    assert len(expected) == 2
    assert run(code).splitlines() == expected
