"""Hybrid, time-aware retrieval over the index, hydrated from the archive."""
