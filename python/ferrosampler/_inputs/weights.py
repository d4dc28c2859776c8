"""Weight snapshots and validation for both sampler families (the engine then checks values, spec §7.1).

torch-style and MindSpore-style checks keep their own messages and exception types; they
share the snapshot (a read-only contiguous float64 copy: later edits to the input do not count,
and it is what ``_core.WeightTable`` takes) and the search for the first offending weight."""

from __future__ import annotations

import sys
from numbers import Complex, Number, Real
from typing import Any

import numpy as np

from .checks import ArgumentTypeError


def frozen(values: np.ndarray) -> np.ndarray:
    """``values`` (already a private float64 copy), made read-only."""
    values.flags.writeable = False
    return values


def first_index(mask: np.ndarray) -> int | None:
    """The first position where ``mask`` holds, or None."""
    positions = np.flatnonzero(mask)
    return int(positions[0]) if positions.size else None


# -- torch.utils.data style ---------------------------------------------------------------


def _torch_tensor(weights: Any) -> Any:
    """A torch tensor's values (gradient, device and dtype dropped) as float64 numpy, else ``weights``."""
    torch = sys.modules.get("torch")
    if torch is None or not isinstance(weights, torch.Tensor):
        return weights
    if weights.is_complex():
        raise ArgumentTypeError(f"weights must be real numbers, got a tensor of dtype {weights.dtype}")
    return weights.detach().cpu().to(torch.float64).numpy()


def torch_weights(weights: Any) -> np.ndarray:
    """A 1-D sequence of real numbers as a frozen float64 snapshot, what an engine's ``WeightTable`` takes
    (``_core.WeightTable`` takes nothing else); values are the engine's to check."""
    if isinstance(weights, (str, bytes)):
        raise ArgumentTypeError(f"weights must be a 1-D sequence of numbers, got weights={weights!r}")
    try:
        raw = np.asarray(_torch_tensor(weights))
        if raw.dtype.kind not in "biuf":
            raise TypeError(f"dtype {raw.dtype}")
        array = raw.astype(np.float64, copy=True)
    except (TypeError, ValueError) as error:
        raise ArgumentTypeError(f"weights must be a 1-D sequence of numbers ({error})") from None
    if array.ndim != 1:
        raise ValueError(f"weights should be a 1d sequence but given weights have shape {tuple(array.shape)}")
    return frozen(array)


# -- mindspore.dataset style --------------------------------------------------------------


def is_real_number(value: Any) -> bool:
    """MindSpore's ``isinstance(w, Number)``, minus complex numbers, which have no weight order.
    A Number outside the tower (Decimal) is not Complex and stays accepted."""
    return isinstance(value, Number) and (isinstance(value, Real) or not isinstance(value, Complex))


def mindspore_weights(weights: list[Any]) -> np.ndarray:
    """MindSpore's parse-time weight checks, plus finiteness (the engine's requirement)."""
    if not weights:
        raise RuntimeError("WeightedRandomSampler: weights vector must not be empty")
    values = frozen(_float64_weights(weights))
    position = first_index(values < 0)
    if position is not None:
        raise RuntimeError(
            "WeightedRandomSampler: weights vector must not contain negative numbers, "
            f"got: weights[{position}] = {values[position]:f}"
        )
    if not values.any():
        raise RuntimeError("WeightedRandomSampler: elements of weights vector must not be all zero")
    position = first_index(~np.isfinite(values))
    if position is not None:
        raise RuntimeError(
            f"WeightedRandomSampler: weights vector must contain finite numbers, got: weights[{position}] = "
            f"{values[position]}"
        )
    return values


def _float64_weights(weights: list[Any]) -> np.ndarray:
    try:
        return np.asarray(weights, dtype=np.float64)
    except (TypeError, ValueError, OverflowError):
        # Only on failure, element by element, to name the weight that does not convert.
        position = next((i for i, weight in enumerate(weights) if not _converts_to_float64(weight)), None)
        if position is None:
            raise
        raise ValueError(
            f"WeightedRandomSampler: weights[{position}] cannot be converted to float64, "
            f"got: weights[{position}] = {_printable(weights[position])}"
        ) from None


def _converts_to_float64(value: Any) -> bool:
    try:
        np.float64(value)
    except (TypeError, ValueError, OverflowError):
        return False
    return True


def _printable(value: Any) -> str:
    try:
        return repr(value)
    except ValueError:
        if not isinstance(value, int):
            raise
        return f"<int of {value.bit_length()} bits>"  # beyond Python's digit limit for str(int)
