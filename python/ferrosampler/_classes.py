"""Class rows: a dataset's rows grouped by class label, in the layout pk_draws reads (spec §9)."""

from __future__ import annotations

from functools import cached_property
from typing import Any

import numpy as np

from ._state import fingerprint


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
