"""The reference generator needs PyTorch and is run by hand: never collect it."""

collect_ignore = ["make_reference.py"]
