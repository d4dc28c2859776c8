"""LengthGroupedBatchSampler and its engine unit (spec §24)."""
