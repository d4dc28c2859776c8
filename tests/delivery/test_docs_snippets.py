"""Every ```python block of the docs pages runs as written (skipped where it needs torch, MindSpore or
Grain and they are not installed)."""

from __future__ import annotations

import importlib.util
import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
BLOCK = re.compile(r"^```python\n(.*?)^```", re.MULTILINE | re.DOTALL)
PAGES = [
    "index.md",
    "getting-started-torch.md",
    "getting-started-mindspore.md",
    "imbalance.md",
    "mixtures.md",
    "grain.md",
    "../README.md",
]

SNIPPETS = [
    pytest.param(code, id=f"{page}-{number}")
    for page in PAGES
    for number, code in enumerate(BLOCK.findall((DOCS / page).read_text(encoding="utf-8")), start=1)
]


def test_the_pages_have_snippets() -> None:
    assert len(SNIPPETS) >= 7


@pytest.fixture
def restore_mindspore_seed():
    """A snippet may call ``ds.config.set_seed``: a global of MindSpore's that later tests read."""
    if importlib.util.find_spec("mindspore") is None:
        yield
        return
    import mindspore.dataset as ds

    seed = ds.config.get_seed()
    yield
    ds.config.set_seed(seed)


@pytest.mark.parametrize("code", SNIPPETS)
@pytest.mark.usefixtures("restore_mindspore_seed")
def test_snippet_runs(code: str) -> None:
    for module in ("torch", "mindspore", "grain"):
        if re.search(rf"^\s*(import|from) {module}\b", code, re.MULTILINE) and not importlib.util.find_spec(module):
            pytest.skip(f"{module} is not installed")
    exec(compile(code, "<docs snippet>", "exec"), {"__name__": "__docs__"})
