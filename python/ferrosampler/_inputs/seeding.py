"""Where an unseeded sampler's per-epoch seed comes from (spec §10)."""

from __future__ import annotations

import os
import random
import threading
from typing import Any

from .._protocol import torch_compat as _torch_compat
from .checks import ArgumentTypeError, is_integer, seed_value

_lock = threading.Lock()
_global = random.Random(int.from_bytes(os.urandom(8), "little"))


def manual_seed(seed: int) -> None:
    """Seed ferrosampler's own global seed source, which unseeded samplers use when torch is not
    installed (with torch, they draw from torch's generator: use ``torch.manual_seed``).

    Args:
        seed: An int in [-2**63, 2**64), reduced mod 2**64 as ``torch.manual_seed`` does.

    Raises:
        ValueError: ``seed`` is out of range.
        ArgumentTypeError: ``seed`` is not an integer.

    Examples:
        >>> import ferrosampler
        >>> ferrosampler.manual_seed(42)
        >>> ferrosampler.manual_seed(2**64)
        Traceback (most recent call last):
            ...
        ValueError: seed must be in [-2**63, 2**64), got seed=18446744073709551616
    """
    value = seed_value("seed", seed)
    with _lock:
        _global.seed(value)


def _is_torch_generator(obj: Any) -> bool:
    torch = _torch_compat.torch
    return torch is not None and isinstance(obj, torch.Generator)


def _torch_draw(generator: Any) -> int:
    torch = _torch_compat.torch
    return int(torch.empty((), dtype=torch.int64).random_(generator=generator))


def draw_seed(generator: Any = None) -> int:
    """One fresh 64-bit seed: from a torch.Generator, else torch's global generator when
    torch is installed (so torch.manual_seed reproduces a run), else our own source."""
    if generator is not None:
        return _torch_draw(generator)
    if _torch_compat.TORCH_AVAILABLE:
        return _torch_draw(None)
    with _lock:
        return _global.getrandbits(64)


def split_seed_and_generator(seed: Any, generator: Any) -> tuple[int | None, Any]:
    """(fixed seed, torch generator); an int generator is a fixed seed."""
    if seed is not None and generator is not None:
        raise ValueError(f"pass either seed or generator, not both (seed={seed!r}, generator={generator!r})")
    if generator is not None and not _is_torch_generator(generator):
        if is_integer(generator):
            return seed_value("generator", generator), None
        raise ArgumentTypeError(
            f"generator must be a torch.Generator, an int seed or None, got generator={generator!r}"
        )
    return (None if seed is None else seed_value("seed", seed)), generator
