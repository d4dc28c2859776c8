"""One bench cell in a fresh process: peak RSS growth of a first run, then timed runs (wall and CPU), as JSON.

Run as `python -m ferrosampler._cli.bench_child CASE ROLE N REPEAT`; a fresh process keeps the
parent's earlier allocations and imports out of the peak.
"""

from __future__ import annotations

import gc
import json
import resource
import sys
import time
from pathlib import Path

from .bench_cases import CASES

PAGE = 1024
WARM_N = 1000


def status_kib(field: str) -> int | None:
    """VmRSS / VmHWM from /proc/self/status, in KiB, or None off Linux."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return None


def reset_peak() -> bool:
    """Linux resets VmHWM to the current RSS when 5 is written to clear_refs."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return status_kib("VmHWM") is not None


def max_rss_kib() -> int:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak // 1024 if sys.platform == "darwin" else peak  # macOS reports bytes, Linux KiB


def run(case_name: str, role: str, n: int, repeat: int) -> dict[str, object]:
    case = CASES[case_name]
    setup = {"ours": case.ours, "base": case.base, "numpy": case.numpy}[role]
    assert setup is not None
    warm: object = None
    try:  # a first call at a small size loads the libraries' lazy parts, which are not the case's memory
        warm = setup(min(n, WARM_N))
        if callable(warm):
            warm()
    except (MemoryError, ValueError, RuntimeError, OverflowError):
        pass  # the measured call below reports the refusal
    warm = None
    gc.collect()
    if reset_peak():
        method, before = "VmHWM", status_kib("VmRSS") or 0
    else:
        method, before = "ru_maxrss", max_rss_kib()
    try:
        work = setup(n)  # building the sampler is part of what is measured here
        if isinstance(work, str):
            return {"skipped": work}
        result = work()
    except (MemoryError, ValueError, RuntimeError, OverflowError) as error:
        return {"error": f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"}
    after = status_kib("VmHWM") if method == "VmHWM" else max_rss_kib()
    length = len(result) if hasattr(result, "__len__") else None
    del result
    times, cpu = [], []
    for _ in range(repeat):
        gc.collect()
        start, start_cpu = time.perf_counter(), time.process_time()
        work()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    peak = max(0, (after or 0) - before) * PAGE
    return {"peak_bytes": peak, "method": method, "times": times, "cpu": cpu, "length": length}


if __name__ == "__main__":
    name, role, size, repeats = sys.argv[1:5]
    print(json.dumps(run(name, role, int(size), int(repeats))))
