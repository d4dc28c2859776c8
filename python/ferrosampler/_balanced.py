"""Class-balanced per-sample weights from labels (toolkit spec §T.1–§T.2).

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
import operator
import sys
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from ._checks import ArgumentTypeError, is_integer

__all__ = ["ClassLabels", "FromLabelsMixin", "class_balanced_weights", "class_counts", "class_labels"]


class ClassLabels:
    """Rows grouped by class (spec §9's layout): ``classes`` are the distinct labels in
    ascending order (class number = position there), ``codes[row]`` the class number of
    each row, ``rows`` every class's rows back to back (ascending inside a class),
    ``offsets`` the C + 1 delimiters, ``sizes`` the rows per class."""

    def __init__(self, classes: list[Any], codes: np.ndarray) -> None:
        self.classes = classes
        self.codes = codes
        self.num_rows = len(codes)
        self.num_classes = len(classes)
        self.sizes = np.bincount(codes, minlength=self.num_classes).astype(np.int64)
        self.rows = np.argsort(codes, kind="stable").astype(np.int64)
        self.offsets = np.concatenate([[0], np.cumsum(self.sizes)]).astype(np.int64)
        self.index = {label: c for c, label in enumerate(classes)}

    def class_rows(self, c: int) -> np.ndarray:
        return self.rows[self.offsets[c] : self.offsets[c + 1]]


# ---------------------------------------------------------------------------------------------
# Where labels come from


def _torch_tensor(value: Any) -> bool:
    torch = sys.modules.get("torch")  # never imported here: a tensor means torch is loaded
    return torch is not None and isinstance(value, torch.Tensor)


def _resolve(labels: Any, num_rows: Any, name: str) -> Any:
    """The raw per-row labels of any accepted source (a sequence, array, tensor, dataset)."""
    if isinstance(labels, (str, bytes, bytearray)):
        raise ArgumentTypeError(f"{name} must be one label per row (a sequence, array or tensor), got a string")
    if callable(labels) and not hasattr(labels, "__len__"):
        if num_rows is None:
            raise ValueError(f"{name} is a function row -> label: pass num_rows= (the dataset size) as well")
        if not is_integer(num_rows) or operator.index(num_rows) < 0:
            raise ArgumentTypeError(f"num_rows must be a non-negative integer, got num_rows={num_rows!r}")
        return [labels(row) for row in range(operator.index(num_rows))]
    if num_rows is not None:
        raise ValueError(f"num_rows= is only for labels given as a function row -> label, got {name} of a size")
    if _torch_tensor(labels):
        return labels.detach().cpu().numpy()
    if isinstance(labels, np.ndarray):
        return labels
    if hasattr(labels, "targets"):  # torchvision datasets (CIFAR, MNIST, ImageFolder)
        return _resolve(labels.targets, None, f"{name}.targets")
    if hasattr(labels, "imgs"):  # ImageFolder-like: a list of (path, class)
        return [_class_of(item, f"{name}.imgs[{i}]") for i, item in enumerate(labels.imgs)]
    if hasattr(labels, "dataset") and hasattr(labels, "indices"):  # torch.utils.data.Subset
        parent = np.asarray(_normalise(_resolve(labels.dataset, None, f"{name}.dataset"), f"{name}.dataset"))
        return parent[np.asarray(labels.indices, dtype=np.int64)]
    if isinstance(labels, (list, tuple)) or hasattr(labels, "__array__"):
        return labels
    try:
        return list(labels)
    except TypeError:
        raise ArgumentTypeError(
            f"{name} must be a sequence, array or tensor of labels, a dataset with .targets or .imgs, "
            f"or a function row -> label; got an object of type {type(labels).__name__}"
        ) from None


def _class_of(item: Any, name: str) -> Any:
    try:
        _path, label = item
    except (TypeError, ValueError):
        raise ArgumentTypeError(f"{name} must be a (path, class) pair, got {item!r}") from None
    return label


def _scalar_kind(value: Any, name: str) -> str:
    """'bool', 'number' or 'str' for an accepted label; an error for anything else."""
    if isinstance(value, (bool, np.bool_)):
        return "bool"
    if is_integer(value):
        return "number"
    if isinstance(value, (float, np.floating)):
        if math.isnan(value):
            raise ValueError(f"{name} is NaN: NaN is not equal to itself, so it cannot be a class label")
        return "number"
    if isinstance(value, (str, np.str_)):
        return "str"
    raise ArgumentTypeError(
        f"{name} must be a hashable scalar label (an integer, a float, a string or a bool), "
        f"got {type(value).__name__}: {value!r}"
    )


def _normalise(raw: Any, name: str) -> list[Any] | np.ndarray:
    """A 1-D numpy array of int / float / str / bool labels, or a list of plain Python
    scalars of one kind; errors name the first offending row."""
    array = raw if isinstance(raw, np.ndarray) else _plain_array(raw)
    if array is None or array.dtype.kind not in "biufU":
        items = raw.tolist() if isinstance(raw, np.ndarray) else list(raw)
        if isinstance(raw, np.ndarray) and raw.ndim != 1:
            raise ValueError(f"{name} must be 1-D, one label per row, got shape {tuple(raw.shape)}")
        kinds = {_scalar_kind(v, f"{name}[{i}]") for i, v in enumerate(items)}
        _check_kinds(kinds, items, name)
        return items
    if array.ndim != 1:
        hint = " (one-hot labels: pass labels.argmax(axis=1))" if array.ndim == 2 else ""
        raise ValueError(f"{name} must be 1-D, one label per row, got shape {tuple(array.shape)}{hint}")
    if array.dtype.kind == "f":
        nan = np.flatnonzero(np.isnan(array))
        if len(nan):
            raise ValueError(f"{name}[{nan[0]}] is NaN: NaN is not equal to itself, so it cannot be a class label")
    return array


def _plain_array(raw: Any) -> np.ndarray | None:
    """numpy's view of a sequence of scalars, or None when it holds anything else."""
    items = list(raw)
    if any(isinstance(v, (list, tuple, dict, set, np.ndarray)) for v in items):
        return None
    try:
        array = np.asarray(items)
    except (TypeError, ValueError):
        return None
    if array.ndim != 1:
        return None
    if array.dtype.kind == "U" and not all(isinstance(v, str) for v in items):
        return None  # numpy turned numbers into strings: report the mixture
    if array.dtype.kind in "iuf" and any(isinstance(v, (bool, np.bool_)) for v in items):
        return None  # numpy turned bools into numbers: report the mixture
    return array


def _check_kinds(kinds: set[str], items: list[Any], name: str) -> None:
    if len(kinds) <= 1:
        return
    first = {kind: next(i for i, v in enumerate(items) if _scalar_kind(v, name) == kind) for kind in kinds}
    shown = ", ".join(f"{name}[{i}]={items[i]!r}" for i in sorted(first.values()))
    if "str" in kinds:
        raise ArgumentTypeError(f"{name} mixes strings and numbers ({shown}); labels must be of one kind")
    raise ArgumentTypeError(f"{name} mixes bools and numbers ({shown}); True == 1 would merge two classes")


def class_labels(labels: Any, *, num_rows: int | None = None, name: str = "labels") -> ClassLabels:
    """Group ``labels`` (any accepted source) by class; classes in ascending label order."""
    values = _normalise(_resolve(labels, num_rows, name), name)
    if len(values) == 0:
        raise ValueError(f"{name} is empty: at least one row is needed")
    if isinstance(values, np.ndarray):
        unique, codes = np.unique(values, return_inverse=True)
        classes = unique.tolist()
    else:
        classes = sorted(set(values))
        index = {label: c for c, label in enumerate(classes)}
        codes = np.fromiter((index[v] for v in values), dtype=np.int64, count=len(values))
    return ClassLabels(classes, np.asarray(codes, dtype=np.int64).reshape(-1))


def class_counts(labels: Any, *, num_rows: int | None = None) -> dict[Any, int]:
    """{label: number of rows}, labels ascending (plain Python scalars)."""
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
    return np.asarray(per_class, dtype=np.float64)[grouped.codes]


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
        return constructor(weights, len(weights) if num_samples is None else num_samples, **kwargs)
