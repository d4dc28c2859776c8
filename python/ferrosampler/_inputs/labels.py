"""Class rows: a dataset's rows grouped by class label, in the layout pk_draws reads (spec §9, §16).

``ClassRows`` is MindSpore PKSampler's permissive grouping (anything ``np.unique`` sorts);
``class_labels`` is the toolkit's (spec §16): one hashable scalar label per row, of one kind,
from a sequence, array, tensor, dataset (``.targets`` / ``.imgs`` / ``Subset``) or function."""

from __future__ import annotations

import math
import operator
import sys
from functools import cached_property
from typing import Any

import numpy as np

from .._protocol.state import fingerprint
from .checks import ArgumentTypeError, is_integer

__all__ = ["ClassLabels", "ClassRows", "class_labels"]


class ClassRows:
    """Rows grouped by class, classes in ascending label order, rows ascending in a class."""

    def __init__(self, labels: Any) -> None:
        try:
            values = np.asarray(labels)
        except (TypeError, ValueError) as error:
            raise ValueError(f"labels must be a 1-D array-like of class labels ({error})") from None
        if values.ndim != 1 or len(values) == 0:
            raise ValueError(f"labels must be a non-empty 1-D array-like, got shape {values.shape}")
        _, class_of_row = np.unique(values, return_inverse=True)
        self.num_rows = len(values)
        self.rows = np.argsort(class_of_row, kind="stable").astype(np.int64)
        sizes = np.bincount(class_of_row)
        self.num_classes = len(sizes)
        self.offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)

    @cached_property
    def fingerprint(self) -> str:
        """A hash of the grouping (for state fingerprints), computed once."""
        return fingerprint(self.rows, self.offsets)


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
