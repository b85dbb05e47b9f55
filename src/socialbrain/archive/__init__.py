"""The archive: one SQLite file that holds every post, the record of every import, and tombstones."""

from .base import ArchiveStore, UpsertResult
from .sqlite import SQLiteArchive, open_archive

__all__ = ["ArchiveStore", "SQLiteArchive", "UpsertResult", "open_archive"]
