"""bench runs end to end on tiny sizes and writes a well-formed report; no timing is asserted."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from ferrosampler import _cli, _core
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
    header, weighted = table_rows(report, "### weighted-bulk: ")[:2]
    columns = dict(zip(header, weighted, strict=True))
    for column in ("ratio", "CPU ratio"):
        assert re.fullmatch(r"\d+\.\d{2}x (faster|slower)", columns[column])
    for column in ("ferrosampler CPU (s)", "baseline CPU (s)"):
        assert re.fullmatch(r"\d+\.\d{4}", columns[column])
    assert re.fullmatch(r"\d+\.\d{2}|—", columns["load"])


def test_the_machine_is_recorded_without_local_paths(tiny_run) -> None:
    report = (tiny_run[1] / "bench.md").read_text()
    machine = dict(table_rows(report, "## Machine")[1:])
    assert re.fullmatch(r"\d+\.\d+\.\d+\S* \(\w+\)", machine["python"])  # version and implementation only
    assert sys.executable not in report
    assert str(tiny_run[1]) not in report.split("## Machine", 1)[1]


def test_the_summary_shows_cpu_times_and_the_load_next_to_each_ratio(tiny_run) -> None:
    report = (tiny_run[1] / "bench.md").read_text()
    header, *rows = table_rows(report, SUMMARY_HEADING)
    for column in ("ferrosampler CPU (s)", "its CPU (s)", "CPU ratio", "load"):
        assert column in header
    ratio, cpu_ratio = header.index("ratio"), header.index("CPU ratio")
    assert cpu_ratio == ratio + 1
    for row in rows:
        if row[ratio] != "—" and not row[ratio].endswith(" s"):
            assert re.fullmatch(r"\d+\.\d{2}x (faster|slower)", row[cpu_ratio]), row


@pytest.mark.thread_unsafe  # starts processes; sets the engine's thread count
def test_load_runs_every_case_again_beside_busy_processes_and_reports_both(capsys) -> None:
    cases = "random-bulk,gil-threads"
    threads = _core.get_num_threads()
    assert _cli.main(["bench", "--sizes", "1e3", "--repeat", "1", "--cases", cases, "--load", "1"]) == 0
    out = capsys.readouterr().out
    loaded = f"{SUMMARY_HEADING}, under load (1 busy process started by the bench)"
    assert loaded in out
    quiet_rows = table_rows(out, SUMMARY_HEADING)
    loaded_rows = table_rows(out, loaded)
    assert quiet_rows[0] == loaded_rows[0]
    assert [row[0] for row in quiet_rows[1:]] == [row[0] for row in loaded_rows[1:]] == cases.split(",")
    assert "## Results per case, under load (1 busy process started by the bench)" in out
    assert out.count("### gil-threads: ") == 2
    assert _core.get_num_threads() == threads  # gil-threads restores the engine's thread count


@pytest.mark.parametrize("load", ["-1", "65", "x"])
def test_load_refuses_a_count_outside_its_range(load: str, capsys) -> None:
    with pytest.raises(SystemExit) as raised:
        _cli.main(["bench", "--sizes", "1e3", "--load", load])
    assert raised.value.code == 2
    assert "--load" in capsys.readouterr().err


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
    header, row = table_rows(capsys.readouterr().out, "### weighted-bulk: ")[:2]
    assert row[header.index("baseline (s)")] == "torch not installed"
    assert row[header.index("baseline CPU (s)")] == "—"
    assert row[-1] == "not measured (torch not installed)"


def test_notes_are_appended_to_the_report_as_written(tmp_path, capsys) -> None:
    notes = tmp_path / "notes.md"
    notes.write_text("## Targets not met\n\n- random-bulk: the profile.\n")
    output = tmp_path / "report.md"
    argv = ["bench", "--sizes", "1e3", "--repeat", "1", "--cases", "random-bulk", "--output", str(output)]
    assert _cli.main([*argv, "--notes", str(notes)]) == 0
    report = output.read_text()
    assert report.endswith("\n\n## Targets not met\n\n- random-bulk: the profile.\n")
    assert f"--notes {notes}" in report  # the command that produced it says where the notes came from
    with pytest.raises(SystemExit):
        _cli.main([*argv, "--notes", str(tmp_path / "missing.md")])
    assert "cannot read" in capsys.readouterr().err
