"""The outputs' atomic writes live in :mod:`coaching_batch.atomic` (outside this package, so the
command line can use them without importing the report writers); this name is kept for them."""

from ..atomic import (
    TEMP_MARKER, atomic_folder, atomic_path, atomic_write_bytes, atomic_write_text, flush_folder, remove_temporaries,
    temp_path_for,
)

__all__ = ["TEMP_MARKER", "atomic_folder", "atomic_path", "atomic_write_bytes", "atomic_write_text", "flush_folder",
           "remove_temporaries", "temp_path_for"]
