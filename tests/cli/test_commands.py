"""--version, --help, verify and demo: what they print and their exit status."""

from __future__ import annotations

import subprocess
import sys

import pytest

import ferrosampler
import ferrosampler.reference
from ferrosampler import _cli
from ferrosampler._cli import environment
from ferrosampler._cli.known_answers import KNOWN_ANSWERS


def run_module(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ferrosampler", *args], capture_output=True, text=True, check=False)


def test_version_names_package_spec_engine_python_and_platform() -> None:
    result = run_module("--version")
    assert result.returncode == 0, result.stderr
    lines = dict(line.split(" ", 1) for line in result.stdout.splitlines())
    assert lines["ferrosampler"] == ferrosampler.__version__
    assert lines["spec"] == f"v{ferrosampler.SPEC_VERSION}"
    assert ferrosampler._core.__version__ in lines["engine"]
    assert "build" in lines["engine"]
    assert "engine thread" in lines["engine"] or "single-threaded engine" in lines["engine"]
    assert {"python", "platform", "numpy", "torch", "mindspore"} <= set(lines)


@pytest.mark.parametrize(
    ("command", "options"),
    [
        ([], ["--version", "verify", "demo", "bench"]),
        (["verify"], ["--examples", "--seed"]),
        (["demo"], ["--epochs", "--plot"]),
        (["bench"], ["--sizes", "--repeat", "--cases", "--output", "--plot", "islice-2^40"]),
    ],
)
def test_help_describes_every_command_and_option(command, options, capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        _cli.main([*command, "--help"], prog="ferrosampler")
    assert exit_.value.code == 0
    text = capsys.readouterr().out
    assert text.startswith(f"usage: ferrosampler {' '.join(command)}".rstrip())
    for option in options:
        assert option in text
    assert "(default: None)" not in text
    assert text.count("(default: ") >= len([o for o in options if o.startswith("--") and o != "--version"]) - 2


def test_engine_build_is_read_from_the_loaded_library() -> None:
    assert environment.engine_build().split(" ")[0] in ("release", "debug", "build")
    names = environment.elf_section_names(str(ferrosampler._core.__file__))
    assert names is None or b".text" in names


def test_verify_prints_environment_and_each_sampler_type(capsys) -> None:
    assert _cli.main(["verify", "--examples", "3", "--seed", "5"]) == 0
    out = capsys.readouterr().out
    for name, value in environment.versions():
        assert f"{name}" in out
        assert value in out
    assert f"known answers of spec v{ferrosampler.SPEC_VERSION}: {len(KNOWN_ANSWERS)} per engine" in out
    assert "Rust engine" in out
    assert "reference engine" in out
    assert "3 random cases from seed 5" in out
    for family, sampler in [("torch", "WeightedRandomSampler"), ("torch", "DistributedSampler")]:
        # A sampler that permutes is listed once per permutation, e.g. "DistributedSampler[feistel]".
        assert any(
            line.split()[:1] == [family] and line.split()[1].split("[")[0] == sampler and "3 comparisons" in line
            for line in out.splitlines()
        )
    assert ("mindspore PKSampler" in out) or ("not importable" in out)
    assert out.rstrip().splitlines()[-1].endswith(", 0 mismatches")


def test_verify_fails_on_a_reference_that_disagrees(monkeypatch, capsys) -> None:
    class Reversed(ferrosampler.reference.RandomSampler):
        def __iter__(self):
            return reversed(list(super().__iter__()))

    monkeypatch.setattr(ferrosampler.reference, "RandomSampler", Reversed)
    assert _cli.main(["verify", "--examples", "4"]) == 1
    out = capsys.readouterr().out
    assert "mismatch: torch RandomSampler" in out
    assert "0 mismatches" not in out.splitlines()[-1]


def test_verify_fails_on_a_wrong_known_answer(capsys) -> None:
    call, expected = KNOWN_ANSWERS[1]
    assert _cli.main(["verify", "--examples", "1"], known_answers=[(call, [*expected[:-1], -1])]) == 1
    out = capsys.readouterr().out
    assert "0/1 match (wrong: #1)" in out
    assert out.rstrip().endswith("2 mismatches")


def test_demo_shows_frequencies_split_and_engine_agreement() -> None:
    result = run_module("demo", "--epochs", "2")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "class 0: 900 rows, class 1: 90 rows, class 2: 10 rows" in out
    assert out.count("  epoch 1 ") == 2  # once without, once with balancing
    assert "  epoch 2 " not in out
    assert "90.0%      9.0%      1.0%" in out  # a shuffle keeps the data set's proportions
    balanced = out.split("with balancing")[1].splitlines()[1]
    assert all(25 < float(share.rstrip("%")) < 42 for share in balanced.split()[2:])
    assert "rank 3:" in out
    assert "Rust engine == pure-Python reference on every epoch and shard above: True" in out


def test_demo_plot_writes_a_png(tmp_path) -> None:
    pytest.importorskip("matplotlib")
    target = tmp_path / "demo.png"
    assert _cli.main(["demo", "--epochs", "1", "--plot", str(target)]) == 0
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("command", ["demo", "bench"])
def test_plot_without_matplotlib_says_so(command, monkeypatch, tmp_path, capsys) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # makes `import matplotlib` raise ImportError
    assert _cli.main([command, "--plot", str(tmp_path / "x.png")]) == 2
    assert f"{command}: --plot needs matplotlib, which is not installed" in capsys.readouterr().err
    assert not (tmp_path / "x.png").exists()
