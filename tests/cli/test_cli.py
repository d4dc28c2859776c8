"""python -m ferrosampler demo | verify"""

from __future__ import annotations

import subprocess
import sys

import ferrosampler.__main__ as cli


def test_demo_and_verify_run() -> None:
    for command in (["demo"], ["verify", "--examples", "20"]):
        result = subprocess.run(
            [sys.executable, "-m", "ferrosampler", *command], capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, result.stderr
    assert "0 mismatches" in result.stdout


def test_verify_reports_a_wrong_known_answer(monkeypatch, capsys) -> None:
    call, expected = cli.KNOWN_ANSWERS[0]
    monkeypatch.setattr(cli, "KNOWN_ANSWERS", [(call, [0, *expected[1:]])])
    assert cli.main(["verify", "--examples", "1"]) == 1
    assert "2 mismatches" in capsys.readouterr().out
