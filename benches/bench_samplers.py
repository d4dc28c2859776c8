"""Side-by-side timings: torch.utils.data samplers vs ferrosampler, in one process.

Usage (from the repository root):

    .venv/bin/python benches/bench_samplers.py --output BENCHMARKS.md

Each cell is one warm-up call followed by ``--repeat`` timed calls (time.perf_counter);
the reported figure is the median. Ratios are torch_time / ferrosampler_time, so a ratio
above 1 means ferrosampler is faster. Timings are informational only: nothing here is a
pass/fail test. The script does check (outside the timed region) that every
ferrosampler result it timed is valid: right length, indices in range, permutations are
permutations, and iteration agrees with epoch_indices() for the same (seed, epoch).
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import shlex
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch
import torch.utils.data as tud

import ferrosampler as fs

NUM_CLASSES = 100
NUM_REPLICAS = 8
TORCH_CATEGORY_LIMIT = 1 << 24
BIG_WEIGHTED_N = TORCH_CATEGORY_LIMIT + 1


# --------------------------------------------------------------------------- timing


@dataclass
class Timing:
    median: float | None = None
    runs: list[float] = field(default_factory=list)
    error: str | None = None

    def cell(self) -> str:
        if self.error is not None:
            return f"error: {self.error}"
        assert self.median is not None
        return f"{self.median:.4f}"


def time_call(fn: Callable[[], Any], repeat: int, check: Callable[[Any], None] | None = None) -> Timing:
    """One warm-up plus ``repeat`` timed calls; ``check`` validates the last result untimed."""
    result: Any = None
    runs: list[float] = []
    for attempt in range(repeat + 1):
        result = None
        gc.collect()
        start = time.perf_counter()
        try:
            result = fn()
        except Exception as error:
            return Timing(error=_one_line(error))
        elapsed = time.perf_counter() - start
        if attempt > 0:
            runs.append(elapsed)
        if check is not None and attempt == repeat:
            check(result)
    result = None
    gc.collect()
    return Timing(median=statistics.median(runs), runs=runs)


def _one_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__


def ratio(torch_timing: Timing, ferro_timing: Timing) -> str:
    if torch_timing.median is None or ferro_timing.median is None or ferro_timing.median == 0:
        return "n/a"
    return f"{torch_timing.median / ferro_timing.median:.2f}x"


# --------------------------------------------------------------------------- validity checks


class CheckFailed(AssertionError):
    pass


def _as_array(result: Any) -> np.ndarray:
    if isinstance(result, np.ndarray):
        return result
    if isinstance(result, torch.Tensor):
        return result.numpy()
    if isinstance(result, list) and result and type(result[0]) is not int:
        raise CheckFailed(f"expected Python ints, got {type(result[0]).__name__}")
    return np.asarray(result, dtype=np.int64)


def check_indices(length: int, upper: int, permutation: bool = False) -> Callable[[Any], None]:
    def check(result: Any) -> None:
        array = _as_array(result)
        if array.shape != (length,):
            raise CheckFailed(f"expected {length} indices, got shape {array.shape}")
        if length and (array.min() < 0 or array.max() >= upper):
            raise CheckFailed(f"indices outside [0, {upper}): min {array.min()}, max {array.max()}")
        if permutation and not np.array_equal(np.bincount(array, minlength=upper), np.ones(upper, dtype=np.int64)):
            raise CheckFailed("not a permutation")

    return check


def check_balanced(labels: np.ndarray, length: int) -> Callable[[Any], None]:
    """Class-balanced weights: every class should get about 1/NUM_CLASSES of the draws."""
    in_range = check_indices(length, len(labels))

    def check(result: Any) -> None:
        in_range(result)
        freq = np.bincount(labels[_as_array(result)], minlength=NUM_CLASSES) / length
        worst = float(np.abs(freq * NUM_CLASSES - 1.0).max())
        # 10%, or 6 standard deviations of a class count when N is small.
        if worst > max(0.1, 6.0 / np.sqrt(length / NUM_CLASSES)):
            raise CheckFailed(f"class frequencies not balanced: worst relative deviation {worst:.3f}")

    return check


# --------------------------------------------------------------------------- inputs


def class_balanced_weights(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Labels over NUM_CLASSES imbalanced classes and weights[i] = 1 / count(label[i])."""
    rng = np.random.default_rng(12345)
    class_p = rng.random(NUM_CLASSES) ** 3 + 1e-3  # heavy imbalance: rarest ~1000x rarer than commonest
    class_p /= class_p.sum()
    labels = rng.choice(NUM_CLASSES, size=n, p=class_p)
    counts = np.bincount(labels, minlength=NUM_CLASSES)
    counts[counts == 0] = 1
    return labels, 1.0 / counts[labels].astype(np.float64)


# --------------------------------------------------------------------------- families


@dataclass
class Row:
    n: int
    cells: dict[str, Timing]
    notes: list[str] = field(default_factory=list)


def bench_weighted(n: int, repeat: int, consistency: bool) -> Row:
    labels, weights = class_balanced_weights(n)
    weights_t = torch.as_tensor(weights)
    balanced = check_balanced(labels, n)
    cells: dict[str, Timing] = {}

    cells["torch_ctor"] = time_call(lambda: tud.WeightedRandomSampler(weights, n, replacement=True), repeat)
    cells["ferro_ctor"] = time_call(lambda: fs.WeightedRandomSampler(weights, n, replacement=True), repeat)

    torch_sampler = tud.WeightedRandomSampler(weights, n, replacement=True)
    ferro_sampler = fs.WeightedRandomSampler(weights, n, replacement=True)
    cells["torch_list"] = time_call(lambda: list(iter(torch_sampler)), repeat, balanced)
    cells["ferro_list"] = time_call(lambda: list(iter(ferro_sampler)), repeat, balanced)
    cells["ferro_bulk"] = time_call(ferro_sampler.epoch_indices, repeat, balanced)
    cells["torch_raw"] = time_call(lambda: torch.multinomial(weights_t, n, True), repeat, balanced)
    cells["numpy"] = time_call(
        lambda: np.random.default_rng(0).choice(n, size=n, p=weights / weights.sum()), repeat, balanced
    )
    row = Row(n, cells)
    if consistency:
        seeded = fs.WeightedRandomSampler(weights, n, replacement=True, seed=0)
        iterated = np.fromiter(iter(seeded), dtype=np.int64, count=n)
        if not np.array_equal(iterated, seeded.epoch_indices(epoch=0)):
            raise CheckFailed("WeightedRandomSampler: list(iter) differs from epoch_indices(epoch=0)")
        row.notes.append("iter == epoch_indices(epoch=0) with seed=0")
    return row


def bench_random(n: int, repeat: int, consistency: bool) -> Row:
    perm = check_indices(n, n, permutation=True)
    data = range(n)
    cells: dict[str, Timing] = {}
    torch_sampler = tud.RandomSampler(data)
    ferro_sampler = fs.RandomSampler(data)
    cells["torch_list"] = time_call(lambda: list(iter(torch_sampler)), repeat, perm)
    cells["ferro_list"] = time_call(lambda: list(iter(ferro_sampler)), repeat, perm)
    cells["ferro_bulk"] = time_call(ferro_sampler.epoch_indices, repeat, perm)
    cells["torch_raw"] = time_call(lambda: torch.randperm(n), repeat, perm)
    cells["numpy"] = time_call(lambda: np.random.default_rng(0).permutation(n), repeat, perm)
    row = Row(n, cells)
    if consistency:
        seeded = fs.RandomSampler(data, seed=0)
        iterated = np.fromiter(iter(seeded), dtype=np.int64, count=n)
        if not np.array_equal(iterated, seeded.epoch_indices(epoch=0)):
            raise CheckFailed("RandomSampler: list(iter) differs from epoch_indices(epoch=0)")
        row.notes.append("iter == epoch_indices(epoch=0) with seed=0")
    return row


def bench_distributed(n: int, repeat: int, consistency: bool) -> Row:
    share = -(-n // NUM_REPLICAS)
    shard = check_indices(share, n)
    data = range(n)
    cells: dict[str, Timing] = {}
    torch_sampler = tud.DistributedSampler(data, num_replicas=NUM_REPLICAS, rank=0)
    ferro_sampler = fs.DistributedSampler(data, num_replicas=NUM_REPLICAS, rank=0)
    cells["torch_list"] = time_call(lambda: list(iter(torch_sampler)), repeat, shard)
    cells["ferro_list"] = time_call(lambda: list(iter(ferro_sampler)), repeat, shard)
    cells["ferro_bulk"] = time_call(ferro_sampler.epoch_indices, repeat, shard)
    row = Row(n, cells)
    if consistency:
        # All ranks together cover every index (plus torch-style padding) exactly as one permutation.
        shards = [
            fs.DistributedSampler(data, num_replicas=NUM_REPLICAS, rank=r).epoch_indices() for r in range(NUM_REPLICAS)
        ]
        together = np.concatenate(shards)
        counts = np.bincount(together, minlength=n)
        if counts.min() < 1 or together.size != share * NUM_REPLICAS:
            raise CheckFailed("DistributedSampler: ranks do not cover the dataset")
        if not np.array_equal(
            np.fromiter(iter(ferro_sampler), dtype=np.int64, count=share), ferro_sampler.epoch_indices()
        ):
            raise CheckFailed("DistributedSampler: list(iter) differs from epoch_indices()")
        row.notes.append(f"{NUM_REPLICAS} ranks cover range(N); iter == epoch_indices()")
    return row


# --------------------------------------------------------------------------- report


COLUMNS: dict[str, list[tuple[str, str]]] = {
    "weighted": [
        ("torch_ctor", "torch ctor"),
        ("ferro_ctor", "ferro ctor"),
        ("torch_list", "torch list(iter)"),
        ("ferro_list", "ferro list(iter)"),
        ("ratio_list", "ratio list/list"),
        ("ferro_bulk", "ferro epoch_indices()"),
        ("ratio_bulk", "ratio torch list / ferro bulk"),
        ("torch_raw", "torch.multinomial"),
        ("ratio_raw", "ratio multinomial / ferro bulk"),
        ("numpy", "numpy rng.choice"),
    ],
    "random": [
        ("torch_list", "torch list(iter)"),
        ("ferro_list", "ferro list(iter)"),
        ("ratio_list", "ratio list/list"),
        ("ferro_bulk", "ferro epoch_indices()"),
        ("ratio_bulk", "ratio torch list / ferro bulk"),
        ("torch_raw", "torch.randperm"),
        ("ratio_raw", "ratio randperm / ferro bulk"),
        ("numpy", "numpy rng.permutation"),
    ],
    "distributed": [
        ("torch_list", "torch list(iter)"),
        ("ferro_list", "ferro list(iter)"),
        ("ratio_list", "ratio list/list"),
        ("ferro_bulk", "ferro epoch_indices()"),
        ("ratio_bulk", "ratio torch list / ferro bulk"),
    ],
}

TITLES = {
    "weighted": "WeightedRandomSampler(weights, N, replacement=True), len(weights) = N",
    "random": "RandomSampler(range(N)), one epoch",
    "distributed": (
        f"DistributedSampler(range(N), num_replicas={NUM_REPLICAS}, rank=0), one epoch (N/{NUM_REPLICAS} indices)"
    ),
}


def render_cell(row: Row, key: str) -> str:
    c = row.cells
    if key == "ratio_list":
        return ratio(c["torch_list"], c["ferro_list"])
    if key == "ratio_bulk":
        return ratio(c["torch_list"], c["ferro_bulk"])
    if key == "ratio_raw":
        return ratio(c["torch_raw"], c["ferro_bulk"])
    return c[key].cell()


def render_table(family: str, rows: list[Row]) -> str:
    cols = COLUMNS[family]
    lines = [
        f"### {TITLES[family]}",
        "",
        "| N | " + " | ".join(label for _, label in cols) + " |",
        "|---:|" + "---:|" * len(cols),
    ]
    for row in rows:
        n_label = f"{row.n:,}" if row.n != BIG_WEIGHTED_N else f"2^24+1 = {row.n:,}"
        lines.append(f"| {n_label} | " + " | ".join(render_cell(row, key) for key, _ in cols) + " |")
    return "\n".join(lines)


def git_head() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def machine_info(head_at_start: str) -> list[tuple[str, str]]:
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = "unknown"
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal"):
                    mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                    break
    except OSError:
        pass
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count() or 0
    commit = head_at_start
    head_now = git_head()
    if head_now != head_at_start:
        commit = (
            f"{head_at_start} at start, {head_now} at end "
            "(others committed during the run; the extension timed is the one imported at start)"
        )
    return [
        ("CPU", cpu),
        ("cores", f"{os.cpu_count()} logical, {usable} usable by this process (shared 2-core machine)"),
        ("memory", mem),
        ("OS", platform.platform()),
        ("python", platform.python_version()),
        (
            "torch",
            f"{torch.__version__} (intra-op threads {torch.get_num_threads()}, "
            f"inter-op {torch.get_num_interop_threads()}; default, not changed)",
        ),
        ("numpy", np.__version__),
        (
            "ferrosampler",
            f"{fs.__version__} (spec {fs.SPEC_VERSION}), release build; "
            f"git HEAD {commit} (working tree may hold uncommitted edits)",
        ),
        ("OPENBLAS_CORETYPE", os.environ.get("OPENBLAS_CORETYPE", "(unset)")),
    ]


def command_line() -> str:
    exe = sys.executable
    rel = os.path.relpath(exe)
    if not rel.startswith(".."):
        exe = rel
    return shlex.join([exe, *sys.argv])


NOTES = """\
- Every figure is the median wall time in seconds (`time.perf_counter`) of `--repeat` calls after
  one untimed warm-up call, all in one process. Ratios are torch_time / ferrosampler_time: above 1
  means ferrosampler is faster.
- **torch list(iter)** / **ferro list(iter)**: `list(iter(sampler))` on an already-built sampler, i.e. one
  full epoch delivered as Python ints. This is the like-for-like comparison (same output type,
  what a DataLoader consumes). **ratio list/list** compares these two.
- **ferro epoch_indices()**: ferrosampler's bulk path, one epoch as an int64 numpy array (GIL released
  in Rust). "ratio torch list / ferro bulk" compares it with torch's Python-int iteration, which is
  not like-for-like (different output type); "ratio multinomial / ferro bulk" and "ratio randperm /
  ferro bulk" compare array-producing kernels with each other.
- **torch ctor** / **ferro ctor** (weighted only): building the sampler. torch only wraps the weights
  as a tensor; ferrosampler copies and validates them and builds its integer alias table, so that cost
  is shown separately and is not inside the iteration columns.
- **torch.multinomial** = `torch.multinomial(weights, N, True)`; **torch.randperm** = `torch.randperm(N)`;
  **numpy** = `np.random.default_rng(0).choice(N, size=N, p=w/w.sum())` /
  `np.random.default_rng(0).permutation(N)` (generator construction included). These are baselines
  without any sampler or Python-int overhead.
- Weights are class-balanced: labels over 100 heavily imbalanced classes, `weights[i] = 1/count(label[i])`
  (float64, length N), and `num_samples = N`.
- At N = 2^24 + 1, torch's WeightedRandomSampler (and `torch.multinomial`) refuse to sample: torch
  allows at most 2^24 categories, so the torch cells record the error message instead of a time.
- Validity (checked outside the timed region, on the last timed result of every cell): right length,
  every index in [0, N), RandomSampler/randperm/permutation results are permutations, weighted draws
  give every class 1/100 of the samples to within 10% (torch and numpy results too), list(iter)
  gives Python ints, and for ferrosampler list(iter) equals epoch_indices() for the same seed and
  epoch; the 8 DistributedSampler ranks together cover range(N).
- Threads: torch keeps its default thread count (printed above); ferrosampler's engine is
  single-threaded. The machine is a **shared 2-core machine**: another engineer ran tests at the same
  time, so absolute times are noisy and ratios are indicative only.
- These timings are informational; they never go into pass/fail tests.
- `OPENBLAS_CORETYPE` may be set in this machine's environment; it only affects OpenBLAS kernel
  selection (BLAS/LAPACK), which none of these rows use, so it does not affect them.
"""


def render_report(
    sections: dict[str, list[Row]], repeat: int, wall: float, with_header: bool, head_at_start: str = ""
) -> str:
    parts: list[str] = []
    if with_header:
        parts += [
            "# ferrosampler benchmarks",
            "",
            "Produced by (from the repository root):",
            "",
            "```",
            command_line(),
            "```",
            "",
            f"Median of {repeat} timed runs after one warm-up; times in seconds; total script wall time {wall:.0f} s.",
            "",
            "## Machine",
            "",
            "| | |",
            "|---|---|",
            *[f"| {k} | {v} |" for k, v in machine_info(head_at_start)],
            "",
            "## Results",
            "",
        ]
    for family, rows in sections.items():
        if rows:
            parts += [render_table(family, rows), ""]
    if with_header:
        parts += ["## Notes", "", NOTES]
    return "\n".join(parts).rstrip() + "\n"


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10**6, 10**7], help="dataset sizes N")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per cell (after one warm-up)")
    parser.add_argument("--output", help="write a markdown report (e.g. BENCHMARKS.md)")
    parser.add_argument(
        "--big-weighted",
        action=argparse.BooleanOptionalAction,
        default=True,
        help=f"also run WeightedRandomSampler at N = 2^24 + 1 = {BIG_WEIGHTED_N}, where torch refuses",
    )
    args = parser.parse_args(argv)
    if args.repeat < 1 or any(n < 1 for n in args.sizes):
        parser.error("--repeat and --sizes must be positive")

    started = time.perf_counter()
    head_at_start = git_head()
    for key, value in machine_info(head_at_start):
        print(f"{key}: {value}", flush=True)
    print(flush=True)

    sections: dict[str, list[Row]] = {"weighted": [], "random": [], "distributed": []}
    weighted_sizes = list(args.sizes) + ([BIG_WEIGHTED_N] if args.big_weighted else [])
    for n in weighted_sizes:
        print(f"WeightedRandomSampler N={n} ...", flush=True)
        sections["weighted"].append(bench_weighted(n, args.repeat, consistency=True))
    for n in args.sizes:
        print(f"RandomSampler N={n} ...", flush=True)
        sections["random"].append(bench_random(n, args.repeat, consistency=True))
    for n in args.sizes:
        print(f"DistributedSampler N={n} ...", flush=True)
        sections["distributed"].append(bench_distributed(n, args.repeat, consistency=True))
    wall = time.perf_counter() - started

    print()
    print(render_report(sections, args.repeat, wall, with_header=False))
    print(f"all validity checks passed; wall time {wall:.0f} s")
    if args.output:
        with open(args.output, "w") as f:
            f.write(render_report(sections, args.repeat, wall, with_header=True, head_at_start=head_at_start))
        print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
