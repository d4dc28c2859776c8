"""python -m ferrosampler."""
