"""Batch runs: `foi-extract run PATH... -o OUT` (discover, store, schedule, progress, summary)."""
