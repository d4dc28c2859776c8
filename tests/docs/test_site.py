"""The docs site covers the product: every docs/ page is in the nav, every public name has an API entry.

mkdocs renders every ``.md`` file under docs/ as a page, so a file that is not meant to be a page (an
include) belongs outside docs/, as BENCHMARKS.md does (docs/benchmarks.md includes it): no page of
docs/ is exempt from the nav. A public module is ``ferrosampler`` or one of its modules whose dotted
name has no ``_``-prefixed part and that defines ``__all__``; each of its ``__all__`` names needs a
``::: module.name`` block (mkdocstrings) on a page of docs/api/. The lists come from the tree and from
``__all__`` at test time, so a new page or a new public name without its entry fails here.

The last tests build the site (mkdocs, the ``docs`` dependency group) and read the rendered API pages'
table of contents; without mkdocs they skip.
"""

from __future__ import annotations

import html
import importlib
import os
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import pytest

import ferrosampler

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
API = DOCS / "api"
ENTRY = re.compile(r"^:::[ \t]+(\S+)[ \t]*$", re.MULTILINE)
TOC_LINK = re.compile(r'<a href="#([^"]+)" class="md-nav__link">')
ALWAYS_PUBLIC = ("ferrosampler", "ferrosampler.mindspore", "ferrosampler.reference")


def nav_pages() -> list[str]:
    """The ``.md`` paths of mkdocs.yml's nav, read as text (mkdocs.yml may hold YAML tags safe_load refuses)."""
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    nav = re.search(r"^nav:[ \t]*\n((?:[ \t]+\S.*\n|[ \t]*\n)*)", text, re.MULTILINE)
    assert nav, "mkdocs.yml has no nav: section"
    return re.findall(r"^[ \t]*-[ \t]+(?:[^\n:]+:[ \t]+)?(\S+\.md)[ \t]*$", nav.group(1), re.MULTILINE)


def docs_pages() -> list[str]:
    return sorted(path.relative_to(DOCS).as_posix() for path in DOCS.rglob("*.md"))


def public_modules() -> list[str]:
    modules = pkgutil.walk_packages(ferrosampler.__path__, prefix="ferrosampler.")
    names = ["ferrosampler", *(m.name for m in modules if not any(part.startswith("_") for part in m.name.split(".")))]
    return [name for name in names if hasattr(importlib.import_module(name), "__all__")]


def public_names(module: str) -> list[str]:
    return [f"{module}.{name}" for name in importlib.import_module(module).__all__]


def api_entries() -> dict[str, str]:
    """Each ``::: identifier`` of docs/api/, with the page it is on."""
    entries: dict[str, str] = {}
    for page in sorted(API.glob("*.md")):
        for identifier in ENTRY.findall(page.read_text(encoding="utf-8")):
            entries.setdefault(identifier, page.name)
    return entries


def test_the_lists_are_read() -> None:
    assert {"index.md", "spec.md", "api/ferrosampler.md"} <= set(nav_pages())
    assert set(ALWAYS_PUBLIC) <= set(public_modules())
    assert "ferrosampler.RandomSampler" in api_entries()


def test_every_docs_page_is_in_the_nav() -> None:
    missing = sorted(set(docs_pages()) - set(nav_pages()))
    assert not missing, f"docs pages missing from mkdocs.yml's nav: {missing}"


def test_every_nav_entry_is_a_docs_page() -> None:
    nav = nav_pages()
    assert len(nav) == len(set(nav)), f"a page is in the nav twice: {nav}"
    absent = sorted(set(nav) - set(docs_pages()))
    assert not absent, f"mkdocs.yml's nav names pages docs/ does not have: {absent}"


@pytest.mark.parametrize("module", public_modules())
def test_every_public_name_has_an_api_entry(module: str) -> None:
    entries = api_entries()
    missing = [name for name in [module, *public_names(module)] if name not in entries]
    assert not missing, f"no '::: name' block on any docs/api/*.md page for {missing}"


def test_every_api_entry_is_public() -> None:
    public = set(public_modules())
    public |= {name for module in public for name in public_names(module)}
    stray = {identifier: page for identifier, page in api_entries().items() if identifier not in public}
    assert not stray, f"docs/api entries that are not public (in no __all__): {stray}"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site as `mkdocs build --strict` renders it (warnings, an omitted page, a broken link fail)."""
    pytest.importorskip("mkdocs", reason="mkdocs is in the docs dependency group, not installed here")
    pytest.importorskip("mkdocstrings", reason="mkdocstrings is in the docs dependency group, not installed here")
    folder = tmp_path_factory.mktemp("site")
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(folder)],
        cwd=ROOT,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    return folder


def test_the_built_api_pages_list_every_public_name_in_their_table_of_contents(site: Path) -> None:
    listed: set[str] = set()
    for page in API.glob("*.md"):
        rendered = (site / "api" / page.stem / "index.html").read_text(encoding="utf-8")
        listed |= {html.unescape(anchor) for anchor in TOC_LINK.findall(rendered)}
    names = [name for module in public_modules() for name in public_names(module)]
    missing = [name for name in names if name not in listed]
    assert not missing, f"public names absent from the rendered API pages' table of contents: {missing}"


def test_the_built_site_has_every_page(site: Path) -> None:
    for page in docs_pages():
        target = "index.html" if page == "index.md" else page.removesuffix(".md") + "/index.html"
        assert (site / target).is_file(), f"{page} was not rendered to {target}"
