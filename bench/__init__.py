"""Benchmarks: `make bench` (or `python -m bench`) prints the figures and whether each target is met."""
