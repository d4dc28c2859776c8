"""Exact resume: state_dict / load_state_dict of every sampler, alone and through StatefulDataLoader."""
