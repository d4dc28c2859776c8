"""MindSpore's PKSampler: num_val draws with replacement from every class (spec §9)."""

from __future__ import annotations

import copy
import pickle
from collections.abc import Callable, Hashable, Iterator
from typing import Any

import numpy as np
import numpy.typing as npt

from .._inputs import limits as _limits
from .._inputs.checks import Permutation, permutation_value
from .._inputs.labels import ClassRows
from .._protocol.iteration import int64
from .._protocol.provenance import Position, not_locatable
from ._chain import _ChainedSampler
from ._checks import boolean, capped, integer, num_samples_value
from ._compat import Shuffle


class PKSampler(_ChainedSampler):
    """num_val draws with replacement from every class, classes in ascending label order
    (shuffled once, for all epochs, when shuffle=True). Class labels come from ``labels=``:
    one label per dataset row, or a function ``row -> label`` that reads them from the
    dataset once its size is known (e.g. ``labels=lambda i: source[i][1]``; at most 2**26 rows). A PKSampler can
    be a chain's child, not its parent. ``permutation=`` ("feistel" default, "fisher-yates"
    spec v1) permutes the class order; resume seeks the draws in O(1).

    Args:
        num_val: Draws per class, at least 1.
        num_class: Must be None (as in MindSpore).
        shuffle: Permute the class order (once, for all epochs).
        class_column: MindSpore's label column name (kept for compatibility; ``labels=`` is read).
        num_samples: Cap per epoch (None or 0: num_val × classes).
        labels: One label per dataset row, or a function ``row -> label`` (to pickle the sampler
            before its labels are read, a picklable one: a module-level function, not a lambda).
        seed: A fixed seed; default: MindSpore's config seed, or a fresh one.
        dataset_size: The row count (default ``len(labels)``).
        permutation: ``"feistel"`` (default) or ``"fisher-yates"`` (spec v1).

    Raises:
        NotImplementedError: ``num_class`` is given.
        TypeError: A wrong-typed argument.
        RuntimeError: ``num_val`` < 1.
        ValueError: ``labels`` does not match the dataset size or is missing when needed.

    Examples:
        >>> from ferrosampler.mindspore import PKSampler
        >>> labels = ["cat", "cat", "cat", "dog", "dog", "eel"]
        >>> sampler = PKSampler(2, labels=labels, seed=3)
        >>> rows = list(sampler)
        >>> len(sampler), [labels[row] for row in rows]
        (6, ['cat', 'cat', 'dog', 'dog', 'eel', 'eel'])
    """

    _repr_names = ("num_val", "shuffle", "num_samples", "permutation")

    def __init__(
        self,
        num_val: int,
        num_class: int | None = None,
        shuffle: bool = False,
        class_column: str = "label",
        num_samples: int | None = None,
        *,
        labels: npt.ArrayLike | Callable[[int], Hashable] | None = None,
        seed: int | None = None,
        dataset_size: int | None = None,
        permutation: Permutation = "feistel",
    ) -> None:
        self.permutation = permutation_value(permutation)
        self.num_val = integer("num_val", num_val)
        if num_class is not None:
            raise NotImplementedError("Not supported to specify num_class for PKSampler.")
        self.shuffle = boolean("shuffle", shuffle)
        if not isinstance(class_column, str):
            raise TypeError(f"class_column must be a str value but was: {class_column}.")
        num_samples = num_samples_value(num_samples)
        if self.num_val <= 0:
            raise RuntimeError(f"PKSampler: num_val must be greater than 0, but got: {self.num_val}")
        self.class_column = class_column
        self._label_of = labels if callable(labels) else None
        self._classes = None if labels is None or self._label_of is not None else ClassRows(labels)
        super().__init__(num_samples, seed, dataset_size)
        if self._classes is not None:
            len(self)  # labels= fix the epoch length: check it now

    def __copy__(self) -> PKSampler:
        copied = type(self).__new__(type(self))
        copied.__setstate__(super().__getstate__())
        return copied

    def __deepcopy__(self, memo: dict[int, Any]) -> PKSampler:
        # Copies (MindSpore's pipeline deep-copies its sampler) share labels= as given, whether it pickles or not.
        copied = type(self).__new__(type(self))
        memo[id(self)] = copied
        copied.__setstate__(copy.deepcopy(super().__getstate__(), memo))
        return copied

    def __getstate__(self) -> dict[str, Any]:
        """What pickle saves: labels read from a function travel as the labels read (the function stays behind);
        a function not read yet must pickle itself."""
        state = super().__getstate__()
        if self._label_of is not None and self._classes is not None:
            state["_label_of"] = None  # the copy keeps the labels of its dataset size, as if given as a sequence
        elif self._label_of is not None:
            try:
                pickle.dumps(self._label_of)
            except Exception as error:  # pickle raises AttributeError, PicklingError or TypeError here
                raise TypeError(
                    f"PKSampler: labels= must be picklable to pickle the sampler, and {self._label_of!r} is not "
                    f"({type(error).__name__}: {error}). Pass labels= as a module-level function or as a sequence "
                    "of one label per row, or give the dataset size first (dataset_size= or set_dataset_size(n)): "
                    "the labels are then read, and pickled instead of the function"
                ) from error
        return state

    def add_child(self, sampler: Any) -> None:
        """A PKSampler has no child: its ``labels=`` describe the dataset's own rows.

        Args:
            sampler: None (nothing happens); anything else raises.

        Raises:
            RuntimeError: ``sampler`` is not None.
        """
        if sampler is not None:
            raise RuntimeError("PKSampler cannot have a child sampler: its labels= describe the dataset's own rows")

    def _implied_dataset_size(self) -> int:
        return 0 if self._classes is None else self._classes.num_rows

    def _labelled_classes(self, n: int) -> ClassRows:
        if self._label_of is not None and (self._classes is None or self._classes.num_rows != n):
            if n > _limits.PK_LABEL_CALLS_LIMIT:
                raise ValueError(
                    f"PKSampler: labels= as a function is called once per row, for at most 2**26 rows; the dataset "
                    f"has {n} rows (dataset_size): pass labels= as an array of one label per row"
                )
            self._classes = ClassRows([self._label_of(row) for row in range(n)])  # once per dataset size
        if self._classes is None:
            raise ValueError(
                "PKSampler needs the class of every row: pass labels= (one label per dataset row, "
                "or a function row -> label)"
            )
        return self._classes

    def _length(self, n: int) -> int:
        classes = self._labelled_classes(n)
        if classes.num_rows != n:
            raise ValueError(f"PKSampler: labels has {classes.num_rows} entries but the dataset has {n} rows")
        count = capped(self.num_samples, self.num_val * classes.num_classes)
        if count > _limits.INT64_MAX:
            raise ValueError(
                f"PKSampler: an epoch of num_val * classes = {self.num_val} * {classes.num_classes} indices is more "
                f"than 2**63 - 1; pass num_samples to cap it"
            )
        return count

    def _class_layout(self, n: int) -> tuple[ClassRows, Any]:
        """The label layout and the engine's ClassLayout of it, built once per layout (a new one only when
        the labels or the dataset size change)."""
        classes = self._labelled_classes(n)
        cached = getattr(self, "_layout_cache", None)
        if cached is None or cached[0] is not classes:
            cached = self._layout_cache = (classes, self._engine.ClassLayout(classes.rows, classes.offsets))
        return cached

    def _positions(self, seed: int, epoch: int, n: int, k: int, start: int) -> Any:
        classes, layout = self._class_layout(n)
        class_order = self._class_order(seed, classes.num_classes)
        return layout.pk_draws(seed, epoch, class_order, self.num_val, start, k - start)

    def _fisher_yates_read(self) -> bool:
        return False  # permutation= orders the classes; the draws are seekable either way

    def _seek(self, seed: int, epoch: int, n: int, k: int, first: int, stride: int, count: int) -> Any:
        classes, layout = self._class_layout(n)
        cached = getattr(self, "_seek_class_order", None)  # one class order per seed and label layout
        if cached is None or cached[0] != seed or cached[1] is not classes:
            cached = self._seek_class_order = (seed, classes, self._class_order(seed, classes.num_classes))
        return layout.pk_draws(seed, epoch, cached[2], self.num_val, first, count, stride)

    def _class_order(self, seed: int, count: int) -> np.ndarray:
        if self.shuffle:  # block 0 of the CLASS_ORDER stream at epoch 0: the same order every epoch
            stream = self._engine.permutation_stream(
                seed, self._engine.CLASS_ORDER, 0, count, 0, count, permutation=self.permutation
            )
            return int64(stream)
        return np.arange(count, dtype=np.int64)

    def _locator(self, world: bool) -> Callable[[int, int, int], Iterator[Position]]:
        raise not_locatable(self, "its rows are drawn with replacement within each class (spec §9)")

    def _order_parameters(self) -> tuple[Any, ...]:
        classes = None if self._classes is None else self._classes.fingerprint
        permutation = self.permutation if self.shuffle else None
        return self.num_val, self.shuffle, self.num_samples, classes, permutation

    def _shuffles_itself(self) -> bool:
        return self.shuffle

    def get_shuffle_mode(self) -> Any:
        """The shuffle mode MindSpore's pipeline reads (``Shuffle.FALSE`` here).

        Examples:
            >>> from ferrosampler.mindspore import PKSampler
            >>> PKSampler(2, labels=[0, 1]).get_shuffle_mode().name
            'FALSE'
        """
        return Shuffle.FALSE
