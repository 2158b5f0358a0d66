"""Synthetic data at clinic-chain scale for the benchmark (issue 8): the
context and helpers in ``base``, one step per table in ``tables``, the ordered
run in ``generate``."""
