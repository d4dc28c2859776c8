"""The torch.utils.data-compatible samplers."""
