"""Derived search data: units, keyword and vector indexes. Always rebuildable from the archive."""
