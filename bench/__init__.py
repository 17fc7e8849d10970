"""Benchmarks behind ``make bench``; each module exposes ``run() -> rows``."""
