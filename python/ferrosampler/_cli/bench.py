"""`bench`: runs the cases of bench_cases.py, prints the markdown report, writes it and a plot."""

from __future__ import annotations

import contextlib
import gc
import itertools
import json
import math
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import environment
from .bench_cases import BATCH_SIZE, CASES, REPLICAS, THREADED_EPOCHS, Case, Work

ROLES = ("ours", "base", "numpy")
CHILD_TIMEOUT = 900.0  # seconds for one subprocess cell (a first run plus the timed runs)
CELL_BUDGET = 300.0  # seconds a cell may be expected to take before it is skipped
MEMORY_SHARE = 0.6  # of MemAvailable that one list-building cell may be expected to need
MEMORY_SLACK = 2**20  # bytes of allocator noise allowed in a memory target


@dataclass
class Cell:
    times: list[float] = field(default_factory=list)
    note: str | None = None  # why there is no time: "torch not installed", an error, a skip
    peak: int | None = None  # bytes of peak RSS growth, for subprocess cells
    method: str = ""
    length: int | None = None
    cpu: list[float] = field(default_factory=list)  # process CPU time of each timed run (every thread of it)
    load: float | None = None  # 1-minute load average when the cell finished

    @property
    def median(self) -> float | None:
        return statistics.median(self.times) if self.times and self.note is None else None

    @property
    def cpu_median(self) -> float | None:
        return statistics.median(self.cpu) if self.cpu and self.note is None else None


@dataclass
class Row:
    case: str
    n: int
    cells: dict[str, Cell | None]

    def ratio(self, cpu: bool = False) -> float | None:
        """The case's ratio of wall-clock medians (``cpu``: of CPU-time medians), as its target reads it."""
        spec = CASES[self.case]
        ours, base = (
            (None if cell is None else cell.cpu_median if cpu else cell.median)
            for cell in (self.cells["ours"], self.cells["base"])
        )
        if ours is None:
            return None
        if spec.kind == "seconds":
            return ours
        if base is None or min(ours, base) <= 0:
            return None
        return base / ours if spec.kind == "speedup" else ours / base

    def load(self) -> float | None:
        """The highest 1-minute load average seen at the end of this row's cells."""
        loads = [cell.load for cell in self.cells.values() if cell is not None and cell.load is not None]
        return max(loads) if loads else None

    def verdict(self) -> str:
        spec = CASES[self.case]
        ours, base = self.cells["ours"], self.cells["base"]
        if ours is None or ours.median is None:
            return "not met (no ferrosampler time)"
        if spec.kind == "seconds" and self.n != spec.target_n:
            return f"target applies at N = {size_label(spec.target_n)}"
        value = self.ratio()
        if value is None:
            return f"not measured ({base.note if base else 'no baseline'})"
        met = value >= spec.threshold if spec.kind == "speedup" else value <= spec.threshold
        if spec.memory_ratio is not None:
            if ours.peak is None or base is None or base.peak is None:
                return "not measured (no peak memory)"
            memory_met = ours.peak <= spec.memory_ratio * base.peak + MEMORY_SLACK
            if not memory_met:
                return f"not met (memory {ours.peak / max(base.peak, 1):.2f}x the baseline's)"
        return "met" if met else "not met"


def expected_length(case: str, n: int) -> int | None:
    """What a timed result must hold (checked outside the timing); None where nothing is returned."""
    if case in ("random-iter", "alias-build") or not CASES[case].returns_indices:
        return None
    if case == "distributed-list":
        return -(-n // REPLICAS)
    if case == "batch-list":
        return -(-n // BATCH_SIZE)
    if case == "gil-threads":
        return THREADED_EPOCHS  # one length per epoch computed
    return n  # for islice-2^40, n is the count K


def too_big(case: Case, n: int) -> str | None:
    available = environment.memory_available()
    need = case.list_bytes_per_index * n
    if available is not None and need > MEMORY_SHARE * available:
        return f"skipped: needs ≈{need / 2**30:.1f} GiB, {available / 2**30:.1f} GiB available"
    return None


def measure_here(case: Case, roles: list[str], n: int, repeat: int) -> dict[str, Cell]:
    """The roles' setups, then one warm-up run and `repeat` timed runs of each, the roles timed in turn (ours,
    base, numpy, ours, …) in this process, so a change of the machine's speed falls on every role alike."""
    cells: dict[str, Cell] = {}
    works: dict[str, Work] = {}
    for role in roles:
        try:
            work = getattr(case, role)(n)
        except Exception as error:  # any refusal (torch's 2^24 category limit, MemoryError) is a table cell
            cells[role] = Cell(note=f"refused: {type(error).__name__}: {first_line(error)}")
            continue
        if isinstance(work, str):
            cells[role] = Cell(note=work)
        else:
            works[role] = work
            cells[role] = Cell()
    for attempt in range(repeat + 1):
        for role, work in list(works.items()):
            cell = cells[role]
            try:
                gc.collect()
                start, start_cpu = time.perf_counter(), time.process_time()
                result = work()
                elapsed, elapsed_cpu = time.perf_counter() - start, time.process_time() - start_cpu
                cell.length = len(result) if hasattr(result, "__len__") else None
                result = None
            except Exception as error:
                cells[role] = Cell(note=f"refused: {type(error).__name__}: {first_line(error)}")
                del works[role]
                continue
            if attempt:
                cell.times.append(elapsed)
                cell.cpu.append(elapsed_cpu)
    return cells


def measure_child(case_name: str, role: str, n: int, repeat: int) -> Cell:
    """The cell in a fresh interpreter, so its peak RSS growth is its own."""
    command = [sys.executable, "-m", "ferrosampler._cli.bench_child", case_name, role, str(n), str(repeat)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=CHILD_TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        return Cell(note=f"did not finish in {CHILD_TIMEOUT:.0f} s")
    if done.returncode != 0 or not done.stdout.strip():
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return Cell(note=f"subprocess failed (exit {done.returncode}): {tail}")
    data: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    if "skipped" in data:
        return Cell(note=data["skipped"])
    if "error" in data:
        return Cell(note=f"refused: {data['error']}")
    return Cell(
        times=data["times"], peak=data["peak_bytes"], method=data["method"], length=data["length"], cpu=data["cpu"]
    )


def first_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return lines[0][:160] if lines else ""


class Progress:
    """tqdm on stderr when installed, else one line per cell."""

    def __init__(self, total: int) -> None:
        try:
            from tqdm import tqdm  # type: ignore[import-untyped]
        except ImportError:
            self.bar: Any = None
        else:
            self.bar = tqdm(total=total, file=sys.stderr, unit="cell", dynamic_ncols=True)
        self.done, self.total = 0, total

    def step(self, label: str) -> None:
        if self.bar is not None:
            self.bar.set_description(label)
        else:
            print(f"[{self.done + 1}/{self.total}] {label}", file=sys.stderr, flush=True)

    def advance(self) -> None:
        self.done += 1
        if self.bar is not None:
            self.bar.update(1)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def plan(sizes: list[int], cases: list[str]) -> list[tuple[str, int, str]]:
    tasks = []
    for name in cases:
        case = CASES[name]
        for n in case.pick_sizes(sizes):
            tasks += [(name, n, role) for role in ROLES if getattr(case, role) is not None]
    return tasks


def run_all(sizes: list[int], repeat: int, cases: list[str]) -> list[Row]:
    tasks = plan(sizes, cases)
    rows: dict[tuple[str, int], Row] = {}
    last: dict[tuple[str, str], tuple[int, float]] = {}  # (case, role) -> (N, median) of the last size run
    progress = Progress(len(tasks))
    # A row's roles are measured together: in turn in this process, or each in its own child.
    for (name, n), group in itertools.groupby(tasks, key=lambda task: task[:2]):
        case = CASES[name]
        row = rows.setdefault((name, n), Row(name, n, dict.fromkeys(ROLES)))
        cells: dict[str, Cell] = {}
        runnable = []
        for _, _, role in group:
            note = too_big(case, n)
            if note is None and (name, role) in last:
                prev_n, prev_median = last[name, role]
                guess = prev_median * n / prev_n
                if guess * (repeat + 1) > CELL_BUDGET:
                    note = f"skipped: ≈{guess:.0f} s per run expected from N = {prev_n:.0e}"
            if note is None:
                runnable.append(role)
            else:
                cells[role] = Cell(note=note)
        if case.in_child:
            for role in runnable:
                progress.step(f"{name} N={n:.0e} {role}")
                cells[role] = measure_child(name, role, n, repeat)
                progress.advance()
        elif runnable:
            progress.step(f"{name} N={n:.0e} {'/'.join(runnable)}")
            cells.update(measure_here(case, runnable, n, repeat))
        want = expected_length(name, n)
        for role, measured in cells.items():
            wrong = measured.note is None and want is not None and measured.length != want
            cell = Cell(note=f"wrong result: {measured.length} indices, expected {want}") if wrong else measured
            cell.load = environment.load_now()
            if cell.median is not None:
                last[name, role] = (n, cell.median)
            row.cells[role] = cell
            if not (case.in_child and role in runnable):
                progress.advance()
    progress.close()
    return list(rows.values())


@contextlib.contextmanager
def busy_processes(count: int) -> Iterator[None]:
    """``count`` processes spinning a Python loop while the block runs (a loaded machine, made on purpose);
    each is stopped by its own handle afterwards."""
    spinners = [
        subprocess.Popen([sys.executable, "-c", "while True: pass"], stdin=subprocess.DEVNULL) for _ in range(count)
    ]
    try:
        yield
    finally:
        for spinner in spinners:
            spinner.kill()
        for spinner in spinners:
            spinner.wait()


def bench(
    sizes: list[int],
    repeat: int,
    cases: list[str],
    output: Path | None,
    plot: Path | None,
    command: str,
    load: int = 0,
    notes: Path | None = None,
) -> int:
    """Runs the cases (again under ``load`` busy processes, if any), prints the report (``notes`` appended as
    written); exit status 0 (timings are never pass/fail), 2 on a setup problem."""
    from .bench_report import plot_rows, render

    if plot is not None:
        try:
            import matplotlib  # noqa: F401
        except ImportError:
            print("bench: --plot needs matplotlib, which is not installed: pip install matplotlib", file=sys.stderr)
            return 2
    started = time.perf_counter()
    rows = run_all(sizes, repeat, cases)
    loaded = None
    if load:
        with busy_processes(load):
            loaded = (load, run_all(sizes, repeat, cases))
    report = render(rows, repeat, command, time.perf_counter() - started, loaded)
    if notes is not None:
        report = f"{report.rstrip()}\n\n{notes.read_text().strip()}\n"
    print(report, end="")
    if output is not None:
        output.write_text(report)
        print(f"wrote {output}", file=sys.stderr)
    if plot is not None:
        plot_rows(rows, plot)
        print(f"wrote {plot}", file=sys.stderr)
    return 0


def size_label(n: int) -> str:
    """10^7 for powers of ten, 2^40 for powers of two, else the number with separators."""
    if n >= 1000 and 10 ** round(math.log10(n)) == n:
        return f"10^{round(math.log10(n))}"
    if n >= 1024 and n & (n - 1) == 0:
        return f"2^{n.bit_length() - 1}"
    return f"{n:,}"
