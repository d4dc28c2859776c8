"""Class-balanced per-sample weights from labels (spec §17; labels as in §16).

``class_balanced_weights(labels)`` is the seeds' ``make_weights_for_balanced_classes`` loop
(``1 / class_sample_count`` per row) with the knobs users add to it: ``power`` to soften
the balancing, ``effective_beta`` for the "effective number of samples" weighting of
Cui et al. (CVPR 2019), and ``class_weights`` to set some classes by hand.

The weights are a pure function of the per-class counts and the arguments: one float per
class computed with a fixed sequence of IEEE-754 binary64 operations (no summation), then
copied to every row of the class. Only ``power`` values other than 0, 0.5, 1, 2, 3, …
call the platform's ``pow`` (libm), which may differ in the last bit between platforms.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from .checks import ArgumentTypeError
from .labels import ClassLabels, class_labels

__all__ = ["FromLabelsMixin", "class_balanced_weights", "class_counts"]


def class_counts(labels: Any, *, num_rows: int | None = None) -> dict[Any, int]:
    """{label: number of rows}, labels ascending (plain Python scalars).

    Examples:
        >>> import ferrosampler
        >>> ferrosampler.class_counts(["cat", "dog", "dog", "bird"])
        {'bird': 1, 'cat': 1, 'dog': 2}
    """
    grouped = class_labels(labels, num_rows=num_rows)
    return {label: int(size) for label, size in zip(grouped.classes, grouped.sizes, strict=True)}


# ---------------------------------------------------------------------------------------------
# Per-class weights


def _real(name: str, value: Any) -> float:
    if isinstance(value, (bool, np.bool_, str, bytes)):
        raise ArgumentTypeError(f"{name} must be a real number, got {name}={value!r}")
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ArgumentTypeError(f"{name} must be a real number, got {name}={value!r}") from None


def _power_of(base: float, power: float) -> float:
    """base ** power with correctly rounded operations where possible (spec §T.2)."""
    if power == 0.0:
        return 1.0
    if power == 0.5:
        return math.sqrt(base)
    if power == int(power) and power <= 64:
        return _int_power(base, int(power))
    return math.pow(base, power)


def _int_power(base: float, exponent: int) -> float:
    """base ** exponent by square-and-multiply, most significant bit first (a fixed
    sequence of IEEE multiplications, so the same result everywhere)."""
    result = 1.0
    for bit in bin(exponent)[2:]:
        result = result * result
        if bit == "1":
            result = result * base
    return result


def _class_weight(count: int, power: float, beta: float | None) -> float:
    base = 1.0 / float(count) if beta is None else (1.0 - beta) / (1.0 - _int_power(beta, count))
    return _power_of(base, power)


def class_balanced_weights(
    labels: Any,
    *,
    power: float = 1.0,
    effective_beta: float | None = None,
    class_weights: Mapping[Any, float] | None = None,
    num_rows: int | None = None,
) -> np.ndarray:
    """One float64 weight per row: the weight of the row's class.

    A class with ``n`` rows gets ``(1 / n) ** power`` (``power=1``: inverse class frequency,
    ``power=0.5``: its square root, ``power=0``: no balancing), or with ``effective_beta=β``
    ``((1 − β) / (1 − β**n)) ** power``, the inverse effective number of samples of Cui et al.
    (CVPR 2019; ``β=0`` gives 1 for every class, ``β → 1`` tends to inverse frequency).
    ``class_weights={label: w}`` sets those classes' weights to ``w`` exactly. Sampling is
    proportional, so only ratios matter (``N / n`` of the seeds gives the same sampler).

    ``labels``: a sequence, numpy array or torch tensor of labels (ints, floats, strings or
    bools; one kind), a dataset with ``.targets`` or ``.imgs`` (ImageFolder), a
    ``torch.utils.data.Subset`` of one, or a function ``row -> label`` with ``num_rows=``.
    Examples:
        >>> import ferrosampler
        >>> ferrosampler.class_balanced_weights([0, 0, 0, 1]).tolist()  # inverse class frequency
        [0.3333333333333333, 0.3333333333333333, 0.3333333333333333, 1.0]
        >>> ferrosampler.class_balanced_weights([0, 0, 0, 1], power=0.5).tolist()  # softened
        [0.5773502691896257, 0.5773502691896257, 0.5773502691896257, 1.0]
    """
    grouped = class_labels(labels, num_rows=num_rows)
    power_value = _real("power", power)
    if not (math.isfinite(power_value) and power_value >= 0.0):
        raise ValueError(f"power must be finite and >= 0, got power={power!r}")
    beta: float | None = None
    if effective_beta is not None:
        beta = _real("effective_beta", effective_beta)
        if not 0.0 <= beta < 1.0:
            raise ValueError(f"effective_beta must be in [0, 1), got effective_beta={effective_beta!r}")
    per_class = [_class_weight(int(size), power_value, beta) for size in grouped.sizes]
    if class_weights is not None:
        _override(per_class, grouped, class_weights)
    if not any(w > 0.0 for w in per_class):
        raise ValueError("every class weight is 0: at least one class must have a positive weight")
    for c, w in enumerate(per_class):
        if not math.isfinite(w):  # e.g. power=2000 on a class of 10**6 rows underflows to 0, never inf
            raise ValueError(f"the weight of class {grouped.classes[c]!r} is not finite ({w!r})")
    weights: np.ndarray = np.asarray(per_class, dtype=np.float64)[grouped.codes]
    return weights


def _override(per_class: list[float], grouped: ClassLabels, class_weights: Mapping[Any, float]) -> None:
    if not isinstance(class_weights, Mapping):
        raise ArgumentTypeError(
            f"class_weights must be a mapping label -> weight, got an object of type {type(class_weights).__name__}"
        )
    for label, value in class_weights.items():
        name = f"class_weights[{label!r}]"
        try:
            c = grouped.index.get(label)
        except TypeError:
            raise ArgumentTypeError(f"{name}: the key is not a hashable label") from None
        if c is None:
            raise ValueError(
                f"{name}: no row has the label {label!r} (a class with zero rows cannot be weighted); "
                f"the labels are {grouped.classes[:10]!r}{' …' if grouped.num_classes > 10 else ''}"
            )
        weight = _real(name, value)
        if not (math.isfinite(weight) and weight >= 0.0):
            raise ValueError(f"{name} must be finite and >= 0, got {value!r}")
        per_class[c] = weight


class FromLabelsMixin:
    """``Sampler.from_labels(labels, num_samples=None, *, power, effective_beta,
    class_weights, num_rows, **kwargs)`` for any sampler whose first two parameters are
    ``(weights, num_samples)``; ``num_samples`` defaults to the number of rows."""

    @classmethod
    def from_labels(
        cls,
        labels: Any,
        num_samples: int | None = None,
        *,
        power: float = 1.0,
        effective_beta: float | None = None,
        class_weights: Mapping[Any, float] | None = None,
        num_rows: int | None = None,
        **kwargs: Any,
    ) -> Any:
        weights = class_balanced_weights(
            labels, power=power, effective_beta=effective_beta, class_weights=class_weights, num_rows=num_rows
        )
        constructor: Callable[..., Any] = cls
        return constructor(cls._labels_weights(weights), len(weights) if num_samples is None else num_samples, **kwargs)

    @classmethod
    def _labels_weights(cls, weights: np.ndarray) -> Any:
        """The weights as the constructor takes them (MindSpore's wants a list)."""
        return weights
