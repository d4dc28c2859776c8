"""Numeric limits every sampler family enforces, defined once (spec §2, §10)."""

from __future__ import annotations

INT64_MIN = -(1 << 63)
INT64_MAX = (1 << 63) - 1
# Seeds are reduced mod 2**64, as torch.manual_seed does.
SEED_MODULUS = 1 << 64
# Epochs live in the low 56 bits of the stream id.
EPOCH_LIMIT = 1 << 56
