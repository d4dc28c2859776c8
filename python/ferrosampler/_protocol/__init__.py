"""The sampler protocol: what every sampler implements, and the machinery that drives it.

A sampler opens its own epoch (``_open_epoch``, returning an ``epoch.Epoch`` that reads positions by
stride), says where an epoch stands through ``progress`` (the one progress type), and keeps its
``state_dict`` in ``state``'s format; ``iteration`` hands indices to Python a chunk at a time,
``counter`` steps epochs, ``sharded`` splits an epoch among ranks and resumes it on any world size.
"""
