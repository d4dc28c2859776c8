"""User-facing text speaks of the product, never of a work item ("issue 7's table", "PR #12").

Checked: the Markdown a user reads (README.md, CHANGELOG.md, BENCHMARKS.md, every page of docs/), the
CLI's help (the top level and every command), the fixed text the bench report writes, and every
docstring of the installed package (modules, classes, functions, attribute docstrings, _core.pyi).
"""

from __future__ import annotations

import argparse
import ast
import re
from pathlib import Path

import pytest

import ferrosampler
from ferrosampler import _cli
from ferrosampler._cli import bench_report

ROOT = Path(__file__).resolve().parents[2]
WORK_ITEM = re.compile(r"\b(?:issues?|tickets?|PRs?|pull requests?)\s*#?\d+", re.IGNORECASE)
PAGES = [ROOT / "README.md", ROOT / "CHANGELOG.md", ROOT / "BENCHMARKS.md", *sorted((ROOT / "docs").rglob("*.md"))]


def work_items(text: str) -> list[str]:
    return [match.group(0) for match in WORK_ITEM.finditer(text)]


def help_texts() -> dict[str, str]:
    """`ferrosampler --help` and `ferrosampler COMMAND --help`, as argparse prints them."""
    parser = _cli.build_parser("ferrosampler")
    texts = {"ferrosampler --help": parser.format_help()}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, command in action.choices.items():
                texts[f"ferrosampler {name} --help"] = command.format_help()
    return texts


def docstrings() -> dict[str, str]:
    """Every string statement (docstrings, attribute docstrings) of the installed package's sources."""
    package = Path(ferrosampler.__file__).parent
    found: dict[str, str] = {}
    for path in sorted([*package.rglob("*.py"), *package.rglob("*.pyi")]):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Expr)
                and isinstance(node.value, ast.Constant)
                and isinstance(node.value.value, str)
            ):
                found[f"{path.relative_to(package.parent)}:{node.lineno}"] = node.value.value
    return found


def test_the_texts_are_read() -> None:
    assert {"ferrosampler --help", "ferrosampler bench --help", "ferrosampler verify --help"} <= set(help_texts())
    assert len(docstrings()) > 200
    assert work_items("Runs issue 7's table; see PR #12 and issue #3") == ["issue 7", "PR #12", "issue #3"]


@pytest.mark.parametrize("page", PAGES, ids=lambda path: path.relative_to(ROOT).as_posix())
def test_pages_name_no_work_item(page: Path) -> None:
    items = work_items(page.read_text(encoding="utf-8"))
    assert not items, f"{page.relative_to(ROOT)} names {items}"


def test_cli_help_names_no_work_item() -> None:
    found = {where: items for where, text in help_texts().items() if (items := work_items(text))}
    assert not found


def test_the_bench_report_text_names_no_work_item() -> None:
    assert not work_items("\n".join([bench_report.SUMMARY_HEADING, bench_report.SUMMARY_INTRO, bench_report.NOTES]))


def test_the_committed_benchmarks_md_has_the_generators_text() -> None:
    """BENCHMARKS.md is generated: a wording change in the generator is made in the committed file too."""
    committed = (ROOT / "BENCHMARKS.md").read_text(encoding="utf-8")
    assert f"{bench_report.SUMMARY_HEADING}\n\n{bench_report.SUMMARY_INTRO}\n\n" in committed
    assert f"## Notes\n\n{bench_report.NOTES}" in committed


def test_docstrings_name_no_work_item() -> None:
    found = {where: items for where, text in docstrings().items() if (items := work_items(text))}
    assert not found
