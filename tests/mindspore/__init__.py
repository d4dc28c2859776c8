"""The mindspore.dataset-compatible samplers."""
