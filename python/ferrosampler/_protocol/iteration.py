"""Chunked, positioned iteration: indices cross to Python a chunk at a time through C-level iterators.

The next chunk is generated on a worker thread while Python consumes the current one (the
engine releases the GIL), and the iterator's ``progress.Progress`` knows at any moment how many
indices it has handed out (``state_dict`` reads it).
"""

from __future__ import annotations

import functools
import itertools
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, cast

import numpy as np
import numpy.typing as npt

from .. import _core
from .progress import Progress

CHUNK = 1 << 16
_PREFETCH_THREADS = 2  # one shared, bounded pool: abandoned iterators leave at most a finished future behind

_pool_lock = threading.Lock()
_pools: dict[int, ThreadPoolExecutor] = {}  # by process id: only this process's entry is used


def int64(values: Any) -> npt.NDArray[np.int64]:
    """An engine's output (a numpy array from Rust, a list from the reference) as int64."""
    return np.asarray(values, dtype=np.int64)


def prefetch_pool() -> ThreadPoolExecutor:
    """The process's prefetch pool, rebuilt after a fork (a forked child inherits none of its threads)."""
    pid = os.getpid()
    with _pool_lock:
        if pid not in _pools:
            _pools.clear()  # a parent's pool: its threads do not exist here
            _pools[pid] = ThreadPoolExecutor(_PREFETCH_THREADS, thread_name_prefix="ferrosampler-prefetch")
        return _pools[pid]


def chunk_bounds(start: int, stop: int, step: int) -> Iterator[tuple[int, int]]:
    """(start, count) of the chunks covering [start, stop); the first ends on a multiple of step."""
    position = start
    while position < stop:
        end = min(stop, (position // step + 1) * step)
        yield position, end - position
        position = end


def positioned_chunks(
    progress: Progress,
    generate: Callable[[int, int], Any],
    bounds: Iterable[tuple[int, int]],
    wrap: Callable[[Iterator[Any]], Iterator[Any]] | None = None,
    prefetch: bool = True,
) -> Iterator[Iterator[Any]]:
    """Iterators over the chunks ``generate(start, count)`` (as lists) of positions ``bounds`` covers in one
    iterator's share (``progress.serving``, a world of one), chunk k + 1 generated on the prefetch pool while
    chunk k is consumed (unless ``prefetch`` is false: cheap chunks, e.g. slices); ``wrap`` maps a chunk's list
    iterator (e.g. to values)."""
    pending = iter(bounds)
    current = next(pending, None)
    future: Future[Any] | None = None
    result = generate(*current) if current is not None else None
    while current is not None:
        following = next(pending, None)
        if following is not None and prefetch:
            future = prefetch_pool().submit(generate, *following)
        chunk = progress.enter(current[0] - progress.serving.start, items(result))
        yield chunk if wrap is None else wrap(chunk)
        current = following
        if future is not None:
            result, future = future.result(), None
        elif current is not None:
            result = generate(*current)
    progress.done = True


def items(values: Any) -> Iterable[Any]:
    """A chunk as its iterator walks it: an int64 array through ``_core.IndexIterator`` (each int made as it is
    handed out, no list of the chunk built first: the interpreter's floor for ``for i in sampler``), other
    arrays and iterables as a list. Either iterator's ``length_hint`` is exact (``Progress`` counts with it)."""
    if isinstance(values, np.ndarray):
        if values.dtype == np.int64 and values.ndim == 1:
            return cast(Iterable[Any], _core.IndexIterator(values))
        return cast(list[Any], values.tolist())
    return list(values)


SHARED_ITERATOR = (
    "one sampler iterator was advanced by two threads at once; give each thread its own iter(sampler) "
    "(this epoch's iteration is stopped so that no index is silently lost)"
)


class _ChunkSource:
    """The chunks behind ``flatten``. itertools.chain is safe under the GIL except while its source runs
    (fetching a chunk releases the GIL); a second thread arriving then would make chain drop the rest of
    the epoch without a word, so both threads get RuntimeError instead."""

    __slots__ = ("_chunks", "_fetching", "_shared")

    def __init__(self, chunks: Iterator[Iterator[Any]]) -> None:
        self._chunks = chunks
        self._fetching = threading.Lock()
        self._shared = False

    def __iter__(self) -> _ChunkSource:
        return self

    def __next__(self) -> Iterator[Any]:
        if not self._fetching.acquire(blocking=False):
            self._shared = True
            raise RuntimeError(SHARED_ITERATOR)
        try:
            chunk = next(self._chunks)
        finally:
            self._fetching.release()
        if self._shared:
            raise RuntimeError(SHARED_ITERATOR)
        return chunk


class _Flat(itertools.chain):  # type: ignore[type-arg]
    """itertools.chain holding its own reference to the chunk source. A second thread calling next()
    while the first is inside the source (which releases the GIL) makes chain drop its reference to
    the source; without this one the running generator would be freed under the first thread (a
    segfault, found by tests/threads). Iteration speed is chain's: __next__ is not overridden."""

    __slots__ = ("_source",)
    _source: _ChunkSource


def flatten(chunks: Iterator[Iterator[Any]]) -> Iterator[Any]:
    """The C-level iterator a sampler's ``__iter__`` returns: nothing runs before its first next()."""
    source = _ChunkSource(chunks)
    flat = cast(_Flat, _Flat.from_iterable(source))
    flat._source = source
    return flat


def chunk_source(iterator: Iterator[Any]) -> Iterator[Iterator[Any]] | None:
    """The chunk iterators behind a fresh ``flatten`` iterator (None for any other iterator): a consumer that
    cuts its own pieces from them (``batches``) instead of taking the items one by one."""
    return iterator._source if isinstance(iterator, _Flat) else None


def batches(chunks: Iterator[Iterator[Any]], size: int, drop_last: bool) -> Iterator[list[Any]]:
    """Lists of ``size`` consecutive items of the chunks (the last one shorter, unless ``drop_last``), each cut
    from its chunk in one call (``IndexIterator.take``); a chunk advances only by what a batch took, so the
    progress counting it stays exact, and a short tail is taken before it is dropped, as from one iterator."""
    batch: list[Any] = []
    for chunk in chunks:
        take = chunk.take if isinstance(chunk, _core.IndexIterator) else functools.partial(_take, chunk)
        while True:
            part = take(size - len(batch))
            batch = batch + part if batch else part
            if len(batch) < size:
                break  # the chunk is used up: the batch goes on in the next one
            yield batch
            batch = []
    if batch and not drop_last:
        yield batch


def _take(chunk: Iterator[Any], count: int) -> list[Any]:
    return list(itertools.islice(chunk, count))
