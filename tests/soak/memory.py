"""Resident memory of this process: VmRSS now and the peak (ru_maxrss), in MiB."""

from __future__ import annotations

import gc
import resource


def rss_mib() -> float:
    """VmRSS from /proc/self/status after a full collection."""
    gc.collect()
    with open("/proc/self/status") as status:
        kib = next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))
    return kib / 1024


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
