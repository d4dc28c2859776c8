"""The length benchmark's plumbing (its figures are timings or docs, never tested here): the training loop runs at
a tiny size, the ``bench`` case cells return what the report checks, and the generator fills docs/lengths.md's
blocks — which the committed page has, filled, next to the command that writes them."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from ferrosampler._cli import bench_cases
from ferrosampler._cli import bench_lengths as bench

PAGE = Path(__file__).resolve().parents[2] / "docs" / "lengths.md"
BLOCKS = ("quality", "speed", "training")


@pytest.mark.thread_unsafe
def test_the_training_loop_runs_at_a_tiny_size():
    pytest.importorskip("torch")
    figures = bench.training_throughput(n=300, steps=2, max_length=24)
    assert figures["random batches tokens/s"] > 0 and figures["LengthGroupedBatchSampler tokens/s"] > 0
    assert math.isclose(
        figures["gain"], figures["LengthGroupedBatchSampler tokens/s"] / figures["random batches tokens/s"]
    )


def test_the_bench_case_cells_plan_every_sample():
    case = bench_cases.CASES["lengths-plan"]
    assert (case.kind, case.threshold) == ("speedup", 10)
    ours, theirs = case.ours(2000), case.base(2000)
    assert not isinstance(ours, str) and not isinstance(theirs, str)
    planned, order = ours(), theirs()
    assert len(planned) == 2000 and len(planned.first) == bench.BATCH_SIZE
    assert sorted(order) == list(range(2000))
    assert ours().first != planned.first  # each call plans a new epoch


def test_the_generator_fills_the_marked_blocks(tmp_path):
    pytest.importorskip("torch")
    pytest.importorskip("matplotlib")
    page = tmp_path / "lengths.md"
    page.write_text("".join(f"<!-- bench_lengths:{b} -->\nold\n<!-- /bench_lengths:{b} -->\n" for b in BLOCKS))
    argv = ["--seeds", "1", "--n", "3000", "--speed-n", "3000", "--train-n", "200", "--train-steps", "1"]
    assert bench.main([*argv, "--max-length", "16", "--docs", str(page), "--plot", str(tmp_path / "p.png")]) == 0
    text = page.read_text()
    assert "old" not in text and "| ferrosampler (default window) |" in text and "real tokens/s" in text
    assert (tmp_path / "p.png").read_bytes()[:4] == b"\x89PNG"
    with pytest.raises(ValueError, match="bench_lengths:speed"):
        bench.replace_block("no markers", "speed", "x")


def test_the_committed_page_has_the_generated_blocks_and_their_command():
    text = PAGE.read_text(encoding="utf-8")
    assert bench.COMMAND in text
    for block in BLOCKS:
        body = text.split(f"<!-- bench_lengths:{block} -->", 1)[1].split(f"<!-- /bench_lengths:{block} -->", 1)[0]
        assert body.strip(), f"the {block} block of docs/lengths.md is empty: run {bench.COMMAND}"
    assert (PAGE.parent / "lengths.png").is_file()
