"""DistributedWeightedSampler is a torch DistributedSampler (trainers keep it and call set_epoch), with
torch's attributes; the class-batch samplers are torch Samplers."""

from __future__ import annotations

import torch.utils.data

import ferrosampler as fs


def test_distributed_weighted_is_a_torch_distributed_sampler():
    s = fs.DistributedWeightedSampler([1.0, 2.0, 3.0, 4.0, 5.0], num_replicas=2, rank=1, seed=7, drop_last=False)
    assert isinstance(s, torch.utils.data.DistributedSampler)
    assert (s.num_replicas, s.rank, s.epoch, s.seed, s.drop_last) == (2, 1, 0, 7, False)
    assert (s.num_samples, s.total_size, len(s)) == (3, 6, 3)
    s.set_epoch(4)
    assert s.epoch == 4
    assert isinstance(fs.PKBatchSampler([0, 1, 1], 2, 1, seed=0), torch.utils.data.Sampler)
    assert isinstance(fs.MPerClassSampler([0, 1, 1], 1, seed=0), torch.utils.data.Sampler)
