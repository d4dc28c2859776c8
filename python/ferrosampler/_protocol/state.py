"""The state_dict format every sampler shares: a small JSON-serialisable dict, checked field by field."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Mapping
from typing import Any

import numpy as np

from .. import _core
from .._inputs import limits as _limits

STATE_FORMAT = 1
# The spec versions whose states this engine resumes: spec 3 changed only the default algorithm of weighted sampling
# without replacement, and a spec-2 state of such a sampler resumes with the algorithm it was saved with (§13).
READABLE_SPEC_VERSIONS = (2, _core.SPEC_VERSION)
_COMMON_FIELDS = ("format", "kind", "spec_version", "fingerprint", "epoch", "position")


def fingerprint(*parts: Any) -> str:
    """A short hash of the parameters that fix an epoch's order (arrays by dtype, shape and bytes)."""
    digest = hashlib.sha256()
    for part in parts:
        _feed(digest, part)
        digest.update(b"\x00")
    return digest.hexdigest()[:32]


def _feed(digest: Any, part: Any) -> None:
    """Hashes the part's canonical bytes; an array's buffer is hashed in place (10^7 weights: no 80 MB copy)."""
    if isinstance(part, np.ndarray):
        array = np.ascontiguousarray(part)
        digest.update(f"ndarray:{array.dtype.str}:{array.shape}:".encode())
        digest.update(array.tobytes() if array.dtype.hasobject else array.data.cast("B"))
    elif isinstance(part, (list, tuple)):
        digest.update(b"[")
        for index, item in enumerate(part):
            if index:
                digest.update(b",")
            _feed(digest, item)
        digest.update(b"]")
    else:
        digest.update(json.dumps(part, sort_keys=True, default=repr).encode())


def check_epoch_seed(state: Mapping[str, Any]) -> int | None:
    """``state['epoch_seed']``: None (absent: a fixed seed, or nothing drawn yet) or an int in [0, 2**64)."""
    seed = state.get("epoch_seed")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**64):
        raise ValueError(f"state['epoch_seed'] must be None or an int in [0, 2**64), got {seed!r}")
    return seed


def make_state(kind: str, *, fingerprint: str, epoch: int, position: int, **fields: Any) -> dict[str, Any]:
    """The common fields plus a sampler's own (each JSON-serialisable: ints, strs, bools, None, lists, dicts)."""
    state: dict[str, Any] = {
        "format": STATE_FORMAT,
        "kind": kind,
        "spec_version": _core.SPEC_VERSION,
        "fingerprint": fingerprint,
        "epoch": epoch,
        "position": position,
    }
    state.update(fields)
    return state


def check_state(state: Any, kind: str, fingerprint: str, *, length: int | None = None) -> Mapping[str, Any]:
    """``state`` if it was saved by a sampler of this kind and parameters; else ValueError naming the field."""
    if not isinstance(state, Mapping):
        raise ValueError(f"state must be a dict from state_dict(), got {type(state).__name__}")
    for name in _COMMON_FIELDS:
        if name not in state:
            raise ValueError(f"state is missing the field {name!r}; pass a dict from state_dict()")
    _expect(state, "format", STATE_FORMAT)
    _expect(state, "kind", kind)
    version = state["spec_version"]
    if isinstance(version, bool) or version not in READABLE_SPEC_VERSIONS:
        raise ValueError(
            f"state['spec_version'] must be one of {READABLE_SPEC_VERSIONS} for this sampler, got {version!r}"
        )
    if state["fingerprint"] != fingerprint:
        raise ValueError(
            f"state['fingerprint'] does not match this {kind}'s parameters (other weights, data size, seed, "
            "permutation or shard settings than the run that saved it)"
        )
    for name in ("epoch", "position"):
        value = state[name]
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"state[{name!r}] must be a non-negative int, got {value!r}")
    if state["epoch"] >= _limits.EPOCH_LIMIT:
        raise ValueError(f"state['epoch'] must be below 2**56, got {state['epoch']}")
    if length is not None and state["position"] > length:
        raise ValueError(f"state['position'] must be at most the epoch length {length}, got {state['position']}")
    return state


def _expect(state: Mapping[str, Any], name: str, expected: Any) -> None:
    if state[name] != expected:
        raise ValueError(f"state[{name!r}] must be {expected!r} for this sampler, got {state[name]!r}")


def encode_generator(generator: Any) -> str | None:
    """A torch.Generator's state as base64 text (JSON-safe), or None for no generator."""
    if generator is None:
        return None
    return base64.b64encode(generator.get_state().numpy().tobytes()).decode("ascii")


def restore_generator(generator: Any, encoded: Any, field: str = "generator_state") -> None:
    """Sets ``generator`` to a state from encode_generator (nothing when either is None); errors name state[field]."""
    if generator is None or encoded is None:
        return
    from .torch_compat import torch

    try:
        raw = base64.b64decode(encoded, validate=True)
        generator.set_state(torch.frombuffer(bytearray(raw), dtype=torch.uint8))
    except (TypeError, ValueError, RuntimeError) as error:
        raise ValueError(f"state[{field!r}] is not a torch.Generator state ({error})") from None


def optional_int(state: Mapping[str, Any], name: str, limit: int) -> int | None:
    """state[name]: None or an int in [0, limit); else ValueError naming the field."""
    value = state.get(name)
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < limit):
        raise ValueError(f"state[{name!r}] must be None or an int in [0, {limit}), got {value!r}")
    return value
