"""Both engines (the ``engine`` fixture) against tests/golden/vectors.json (also read by cargo test:
tests/golden.rs)."""

from __future__ import annotations

import json
import pathlib
import re
import struct

import numpy as np
import pytest

import ferrosampler._core as rust
import ferrosampler.reference as ref
from ferrosampler.reference import _engine as reference

GOLDEN = pathlib.Path(__file__).parents[1] / "golden"
VECTORS = json.loads((GOLDEN / "vectors.json").read_text())
V2 = json.loads((GOLDEN / "vectors-v2.json").read_text())
V3 = json.loads((GOLDEN / "vectors-v3.json").read_text())


def as_list(values) -> list[int]:
    return [int(v) for v in values]


def weights_of(case) -> np.ndarray:
    return np.array([float.fromhex(w) for w in case["weights"]], dtype=np.float64)


def test_spec_version() -> None:
    # vectors.json keeps spec v1's cases (still valid in v2); vectors-v2.json adds v2's.
    assert VECTORS["spec_version"] == 1
    assert V2["spec_version"] == 2
    assert rust.SPEC_VERSION == 3


def test_reference_spec_version_equals_the_rust_one() -> None:
    assert ref.SPEC_VERSION == reference.SPEC_VERSION == rust.SPEC_VERSION


def test_expand_seed(engine) -> None:
    for case in VECTORS["expand_seed"]:
        assert as_list(engine.expand_seed(case["seed"])) == case["key"]


def test_keystream_words(engine) -> None:
    for c in VECTORS["keystream_words"]:
        assert as_list(engine.keystream_words(c["seed"], c["purpose"], c["epoch"], c["start"], c["count"])) == c["out"]


def test_uniform_draws(engine) -> None:
    for c in VECTORS["uniform_draws"]:
        assert as_list(engine.uniform_draws(c["seed"], c["epoch"], c["n"], c["start"], c["count"])) == c["out"]


def test_permutation_stream(engine) -> None:
    for c in VECTORS["permutation_stream"]:
        out = engine.permutation_stream(
            c["seed"], c["purpose"], c["epoch"], c["n"], c["start"], c["count"], permutation="fisher-yates"
        )
        assert as_list(out) == c["out"]


def test_strided_permutation(engine) -> None:
    for c in VECTORS["strided_permutation"]:
        out = engine.strided_permutation(
            c["seed"], c["epoch"], c["n"], c["shuffle"], c["first"], c["stride"], c["count"], permutation="fisher-yates"
        )
        assert as_list(out) == c["out"]


def test_integer_weights_and_alias_table(engine) -> None:
    for c in VECTORS["integer_weights"]:
        table = engine.WeightTable(weights_of(c))
        assert as_list(table.integer_weights()) == c["q"]
        thresholds, aliases = table.alias_table()
        assert as_list(thresholds) == c["threshold"]
        assert as_list(aliases) == c["alias"]


def test_alias_draws(engine) -> None:
    for c in VECTORS["alias_draws"]:
        table = engine.WeightTable(weights_of(c))
        assert as_list(table.alias_draws(c["seed"], c["epoch"], c["start"], c["count"])) == c["out"]


def test_without_replacement(engine) -> None:
    for c in VECTORS["without_replacement"]:
        table = engine.WeightTable(weights_of(c))
        # Spec v1's vectors pin §8.1, the sequential algorithm (spec v3's default is §8.2: vectors-v3.json).
        got = table.without_replacement(c["seed"], c["epoch"], c["k"], "sequential")
        assert as_list(got) == c["out"]


def test_pk_draws(engine) -> None:
    for c in VECTORS["pk_draws"]:
        layout = engine.ClassLayout(np.array(c["rows"], dtype=np.int64), np.array(c["offsets"], dtype=np.int64))
        out = layout.pk_draws(
            c["seed"],
            c["epoch"],
            np.array(c["class_order"], dtype=np.int64),
            c["num_val"],
            c["start"],
            c["count"],
        )
        assert as_list(out) == c["out"]


# Spec v2: tests/golden/vectors-v2.json (tests/golden/generate_v2.py).


def test_v2_bijections(engine) -> None:
    for c in V2["bijections"]:
        if c["n"] > 128:
            keys = reference.round_keys(c["seed"], c["purpose"], c["epoch"], c["block"])
            assert keys == c["round_keys"]
        bijection = reference.Bijection.for_block(c["seed"], c["purpose"], c["epoch"], c["n"], c["block"])
        assert bijection.width() == c["width"]
        assert [bijection.inverse(v) for v in c["values"]] == c["offsets"]
        # Through the engine: position block·n + offset of the stream, one strided call per case.
        offsets = c["offsets"]
        base = c["block"] * c["n"]
        got = [
            int(engine.permutation_stream(c["seed"], c["purpose"], c["epoch"], c["n"], base + offset, 1)[0])
            for offset in offsets
        ]
        assert got == c["values"]


def test_v2_permutation_stream(engine) -> None:
    for c in V2["permutation_stream"]:
        out = engine.permutation_stream(
            c["seed"], c["purpose"], c["epoch"], c["n"], c["start"], c["count"], c["permutation"], c["stride"]
        )
        assert as_list(out) == c["out"]


def test_v2_strided_permutation(engine) -> None:
    for c in V2["strided_permutation"]:
        args = (c["seed"], c["epoch"], c["n"], c["shuffle"], c["first"], c["stride"], c["count"])
        assert as_list(engine.strided_permutation(*args, permutation=c["permutation"])) == c["out"]
        assert as_list(engine.strided_permutation(*args)) == c["out"]  # the default


def test_v2_strided_draws(engine) -> None:
    for c in V2["uniform_draws"]:
        out = engine.uniform_draws(c["seed"], c["epoch"], c["n"], c["start"], c["count"], stride=c["stride"])
        assert as_list(out) == c["out"]
    for c in V2["alias_draws"]:
        table = engine.WeightTable(weights_of(c))
        assert as_list(table.alias_draws(c["seed"], c["epoch"], c["start"], c["count"], stride=c["stride"])) == c["out"]
    for c in V2["pk_draws"]:
        rows, offsets, order = (np.array(c[key], dtype=np.int64) for key in ("rows", "offsets", "class_order"))
        layout = engine.ClassLayout(rows, offsets)
        out = layout.pk_draws(c["seed"], c["epoch"], order, c["num_val"], c["start"], c["count"], stride=c["stride"])
        assert as_list(out) == c["out"]


# Spec §23: tests/golden/vectors-mixture.json (tests/golden/generate_mixture.py).

MIXTURE = json.loads((GOLDEN / "vectors-mixture.json").read_text())


def mixture_plans(engine) -> dict:
    plans = {}
    for name, p in MIXTURE["plans"].items():
        plan = engine.MixturePlan(p["sizes"], p["starts"], weights_of(p), p["num_samples"])
        assert plan.masses() == p["masses"] and list(plan.offsets) == p["offsets"]
        plans[name] = plan
    return plans


def test_mixture_draws(engine) -> None:
    assert MIXTURE["block"] == engine.MixturePlan.BLOCK
    plans = mixture_plans(engine)
    for c in MIXTURE["draws"]:
        out = plans[c["plan"]].draws(c["seed"], c["epoch"], c["start"], c["count"], stride=c["stride"])
        assert as_list(out) == c["out"], c


def test_mixture_slots(engine) -> None:
    plans = mixture_plans(engine)
    for c in MIXTURE["slots"]:
        plan = plans[c["plan"]]
        assert tuple(plan.slot_source(c["phase"], c["g"])) == (c["source"], c["index"])
        assert [plan.slot_count(c["phase"], s, c["g"]) for s in range(len(c["counts"]))] == c["counts"]


def test_mixture_exhausted_lengths(engine) -> None:
    for c in MIXTURE["exhausted"]:
        if isinstance(c["length"], str):
            with pytest.raises(ValueError, match=re.escape(c["length"])):
                engine.MixturePlan.exhausted_length(c["sizes"], weights_of(c), c["all_sources"])
        else:
            assert engine.MixturePlan.exhausted_length(c["sizes"], weights_of(c), c["all_sources"]) == c["length"]


# Spec v3 (vectors-v3.json): weighted sampling without replacement by exponential keys (§8.2).


def test_v3_spec_version() -> None:
    assert V3["spec_version"] == rust.SPEC_VERSION == reference.SPEC_VERSION == 3


def test_exponential() -> None:
    # The Rust core's logarithm is checked by cargo test on the same vectors; the reference's here.
    for c in V3["exponential"]:
        assert struct.unpack("<Q", struct.pack("<d", reference.exponential(c["x"])))[0] == c["bits"], c["x"]


def test_weighted_keys(engine) -> None:
    for c in V3["weighted_keys"]:
        table = engine.WeightTable(weights_of(c))
        for s in c["selections"]:
            assert as_list(table.without_replacement(c["seed"], c["epoch"], s["k"])) == s["out"]
            assert as_list(table.without_replacement(c["seed"], c["epoch"], s["k"], "keys")) == s["out"]
