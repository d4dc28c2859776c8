"""Numeric limits every sampler family enforces, defined once (spec §2, §10)."""

from __future__ import annotations

INT64_MIN = -(1 << 63)
INT64_MAX = (1 << 63) - 1
# Seeds are reduced mod 2**64, as torch.manual_seed does.
SEED_MODULUS = 1 << 64
# Epochs live in the low 56 bits of the stream id.
EPOCH_LIMIT = 1 << 56
# The largest index array epoch_indices() builds (2**60 bytes of int64: no machine has them, so
# MemoryError; numpy itself wrongly returns an empty array at some larger sizes).
ARRAY_LIMIT = 1 << 57
# PKSampler(labels=function): the most rows whose label it asks for one by one (pass an array of
# labels beyond this; one Python call per row would take hours).
PK_LABEL_CALLS_LIMIT = 1 << 26
