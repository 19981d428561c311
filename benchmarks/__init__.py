"""Benchmarks for psr-check (not part of the test suite): run ``python -m benchmarks --help``."""
