"""Every bad option value and unknown command: one line on stderr, exit status 2, nothing run."""

from __future__ import annotations

import subprocess
import sys

import pytest

from ferrosampler import _cli

REFUSED = [
    (["verify", "--examples", "-5"], "argument --examples: expected an integer >= 1, got '-5'"),
    (["verify", "--examples", "0"], "argument --examples: expected an integer >= 1, got '0'"),
    (["verify", "--examples", "x"], "argument --examples: expected an integer >= 1, got 'x'"),
    (["verify", "--examples", "2.5"], "argument --examples: expected an integer >= 1, got '2.5'"),
    (["verify", "--examples"], "argument --examples: expected one argument"),
    (["verify", "--seed", "-1"], "argument --seed: expected an integer in [0, 2**64), got '-1'"),
    (["verify", "--seed", str(2**64)], f"argument --seed: expected an integer in [0, 2**64), got '{2**64}'"),
    (["verify", "--seed", "seven"], "argument --seed: expected an integer in [0, 2**64), got 'seven'"),
    (["verify", "--seed", "1e3"], "argument --seed: expected an integer in [0, 2**64), got '1e3'"),
    (["verify", "--seed", "nan"], "argument --seed: expected an integer in [0, 2**64), got 'nan'"),
    (["verify", "--bogus"], "unrecognized arguments: --bogus"),
    (["frobnicate"], "argument command: invalid choice: 'frobnicate'"),
    ([], "the following arguments are required: command"),
    (["demo", "--epochs", "0"], "argument --epochs: expected an integer >= 1, got '0'"),
    (["bench", "--sizes", "0"], "argument --sizes: expected sizes >= 1 such as 1e6,1e7, got '0'"),
    (["bench", "--sizes", "1e6,1.5"], "argument --sizes: expected sizes >= 1 such as 1e6,1e7, got '1.5'"),
    (["bench", "--sizes", "1e6,,1e7"], "argument --sizes: expected sizes >= 1 such as 1e6,1e7, got ''"),
    (["bench", "--sizes", "inf"], "argument --sizes: expected sizes >= 1 such as 1e6,1e7, got 'inf'"),
    (["bench", "--repeat", "0"], "argument --repeat: expected an integer >= 1, got '0'"),
    (["bench", "--cases", "random-bulk,warp"], "argument --cases: unknown case 'warp'; choose from weighted-bulk"),
    (["bench", "--output", "/no/such/folder/x.md"], "argument --output: cannot write '/no/such/folder/x.md'"),
    (["demo", "--plot", "/no/such/folder/x.png"], "argument --plot: cannot write '/no/such/folder/x.png'"),
]


@pytest.mark.parametrize(("argv", "message"), REFUSED, ids=[" ".join(argv) or "nothing" for argv, _ in REFUSED])
def test_refusal_is_one_line_and_exit_2(argv, message, capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        _cli.main(argv, prog="ferrosampler")
    assert exit_.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith("ferrosampler")
    assert ": error: " in lines[0]
    assert message in lines[0]
    assert lines[0].endswith("--help')")


def test_refusal_from_python_dash_m_names_that_program() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ferrosampler", "verify", "--examples", "-5"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == (
        "python -m ferrosampler verify: error: argument --examples: expected an integer >= 1, got '-5' "
        "(see 'python -m ferrosampler verify --help')\n"
    )


def test_accepted_spellings() -> None:
    assert _cli.size_list("1e3, 1000,2_000,1E4") == [1000, 2000, 10000]
    assert _cli.seed_int(str(2**64 - 1)) == 2**64 - 1
    assert _cli.positive_int("+7") == 7
    assert _cli.case_list("all") == list(_cli.bench_cases.CASES)
    assert _cli.case_list("mixture-bulk, random-bulk,mixture-bulk") == ["mixture-bulk", "random-bulk"]
