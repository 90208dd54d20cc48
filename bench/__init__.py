"""Benchmarks: harnesses that print figures and ratios against a baseline in the same run."""
