"""Benchmarks: our solve against the bare min-cost flow, a naive CP-SAT model and HiGHS."""
