"""What a sampler is given, checked once: arguments and limits, seeds, the world (rank and size),
weights and class labels."""
