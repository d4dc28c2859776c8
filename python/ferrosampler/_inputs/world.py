"""The (num_replicas, rank) of a distributed sampler: given, else torch.distributed's process group."""

from __future__ import annotations

from typing import Any

from .checks import boolean, integer, positive_integer

NO_DISTRIBUTED = "Requires distributed package to be available"
NO_GROUP = "Default process group has not been initialized, please make sure to call init_process_group."


def process_group() -> tuple[int, int] | None:
    """(world size, rank) of torch.distributed's default group, or None without one (or without torch)."""
    try:
        import torch.distributed as dist
    except ImportError:
        return None
    if not (dist.is_available() and dist.is_initialized()):
        return None
    return dist.get_world_size(), dist.get_rank()


def _missing_group() -> Exception:
    # torch's own errors: RuntimeError without a usable torch.distributed, ValueError without a group.
    try:
        import torch.distributed as dist
    except ImportError:
        return RuntimeError(NO_DISTRIBUTED)
    if not dist.is_available():
        return RuntimeError(NO_DISTRIBUTED)
    return ValueError(f"{NO_GROUP[:-1]} (or pass num_replicas= and rank=).")


def world(num_replicas: Any, rank: Any, *, required: bool) -> tuple[int, int]:
    """(num_replicas, rank), validated; a missing one comes from the process group. Without a group it is
    (1, 0), or torch's error when ``required`` (a sampler whose only job is splitting across ranks)."""
    if num_replicas is None or rank is None:
        group = process_group()
        if group is None and required:
            raise _missing_group()
        size, own = group or (1, 0)
        num_replicas = size if num_replicas is None else num_replicas
        rank = own if rank is None else rank
    replicas = positive_integer("num_replicas", num_replicas)
    number = integer("rank", rank)
    if not 0 <= number < replicas:
        raise ValueError(f"Invalid rank {number}, rank should be in the interval [0, {replicas - 1}]")
    return replicas, number


def even_value(even: Any, drop_last: bool) -> bool:
    """``even`` checked: False (every index to exactly one rank, nothing padded or dropped) excludes ``drop_last``."""
    value = boolean("even", even)
    if not value and drop_last:
        raise ValueError(
            "even=False gives every index to exactly one rank (nothing padded, nothing dropped), "
            "so drop_last=True contradicts it; pass one of them"
        )
    return value
