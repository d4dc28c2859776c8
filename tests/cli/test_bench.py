"""bench runs end to end on tiny sizes and writes a well-formed report; no timing is asserted."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from ferrosampler import _cli
from ferrosampler._cli.bench_cases import CASES
from ferrosampler._cli.bench_report import SUMMARY_HEADING

VERDICT = re.compile(r"^(met|not met( \(.*\))?|not measured \(.*\)|target applies at N = .*)$")


def table_rows(markdown: str, heading: str) -> list[list[str]]:
    """The cells of the first table after `heading`, header included, separator dropped."""
    block = markdown.split(heading, 1)[1].split("\n\n")
    lines = next(part for part in block if part.lstrip().startswith("|")).strip().splitlines()
    assert set(lines[1]) <= set("|-: ")
    return [[cell.strip() for cell in re.split(r"(?<!\\)\|", line)[1:-1]] for line in [lines[0], *lines[2:]]]


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bench")
    command = [sys.executable, "-m", "ferrosampler", "bench", "--sizes", "1e3", "--repeat", "1"]
    command += ["--output", str(folder / "bench.md")]
    if _has_matplotlib():
        command += ["--plot", str(folder / "bench.png")]
    result = subprocess.run(command, capture_output=True, text=True, check=False, timeout=600)
    return result, folder


def _has_matplotlib() -> bool:
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    return True


def test_bench_runs_every_case_and_writes_the_report(tiny_run) -> None:
    result, folder = tiny_run
    assert result.returncode == 0, result.stderr
    report = (folder / "bench.md").read_text()
    assert result.stdout == report
    assert "bench --sizes 1e3 --repeat 1 --output" in report
    for key in ("CPU", "cores", "memory", "OS", "engine", "git HEAD", "torch", "numpy"):
        assert f"| {key} |" in report
    assert "VmHWM" in report  # the notes say how memory was measured


def test_summary_has_one_row_per_case_with_a_verdict(tiny_run) -> None:
    report = (tiny_run[1] / "bench.md").read_text()
    header, *rows = table_rows(report, SUMMARY_HEADING)
    assert header[-1] == "verdict"
    assert [row[0] for row in rows] == list(CASES)
    for row in rows:
        assert len(row) == len(header)
        assert VERDICT.match(row[-1]), row


def test_every_case_table_is_rectangular_with_times_or_reasons(tiny_run) -> None:
    report = (tiny_run[1] / "bench.md").read_text()
    for name, case in CASES.items():
        header, *rows = table_rows(report, f"### {name}: ")
        assert header[-1] == f"target {case.target}"
        assert rows
        for row in rows:
            assert len(row) == len(header)
            assert re.fullmatch(r"\d+\.\d{4}|refused: .*", row[1]), row
            assert VERDICT.match(row[-1]), row
        if case.in_child:
            assert "ferrosampler peak" in header
    weighted = table_rows(report, "### weighted-bulk: ")[1]
    assert re.fullmatch(r"\d+\.\d{2}x (faster|slower)", weighted[4])


def test_progress_goes_to_stderr_and_the_plot_is_a_png(tiny_run) -> None:
    result, folder = tiny_run
    assert "cell" in result.stderr
    if _has_matplotlib():
        assert (folder / "bench.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_bench_runs_only_the_cases_asked_for(capsys) -> None:
    assert _cli.main(["bench", "--sizes", "1e3,2e3", "--repeat", "1", "--cases", "random-bulk,alias-build"]) == 0
    out = capsys.readouterr().out
    assert "### random-bulk: " in out
    assert "### alias-build: " in out
    assert "### weighted-bulk: " not in out
    assert [row[0] for row in table_rows(out, "### random-bulk: ")[1:]] == ["10^3", "2,000"]


def test_a_missing_baseline_is_a_reason_not_a_crash(monkeypatch, capsys) -> None:
    from ferrosampler._cli import bench_cases

    monkeypatch.setattr(bench_cases, "torch_or_reason", lambda: None)
    assert _cli.main(["bench", "--sizes", "1e3", "--repeat", "1", "--cases", "weighted-bulk"]) == 0
    row = table_rows(capsys.readouterr().out, "### weighted-bulk: ")[1]
    assert row[2] == "torch not installed"
    assert row[-1] == "not measured (torch not installed)"
