"""A hostile-case worker process: ``python -m tests.hostile.worker``, driven by tests.hostile.pool.

Reads ``index seed`` lines on stdin and answers one JSON line per case on the protocol pipe (the
original stdout; fd 1 itself goes to stderr so that prints from the code under test cannot corrupt
the protocol). Address space is capped with RLIMIT_AS (the imports' size plus ``HOSTILE_MEMORY_MB``),
so an allocation too large for the machine fails instead of swapping the machine to death."""

from __future__ import annotations

import json
import os
import resource
import sys
import time
import warnings

# Negative indices are the pool's self-test: they must come back as crash, hang and memory-large.
SELF_TESTS = {-1: "abort", -2: "hang", -3: "allocate"}


def _cap_memory(extra_mb: int) -> None:
    with open("/proc/self/status") as status:
        size_kb = next(int(line.split()[1]) for line in status if line.startswith("VmSize:"))
    limit = (size_kb << 10) + (extra_mb << 20)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _self_test(kind: str) -> tuple[str, str]:
    if kind == "abort":
        os.abort()
    if kind == "hang":
        time.sleep(3600)
    try:
        bytearray(1 << 40)
    except MemoryError:
        return "memory-large", "1 TiB refused under RLIMIT_AS"
    return "wrong", "1 TiB allocated"


def main() -> None:
    protocol = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)
    warnings.simplefilter("ignore")
    from .cases import ALL, case_name
    from .judge import judge

    _cap_memory(int(os.environ.get("HOSTILE_MEMORY_MB", "2048")))
    protocol.write("ready\n")
    for line in sys.stdin:
        index, seed = (int(part) for part in line.split())
        if index < 0:
            outcome, detail = _self_test(SELF_TESTS[index])
            name = "self-test"
        else:
            name = case_name(index)
            outcome, detail = judge(ALL[index % len(ALL)], seed)
        protocol.write(json.dumps({"outcome": outcome, "detail": detail, "case": name}) + "\n")


if __name__ == "__main__":
    main()
