"""Ingest: read a recording or a transcript file, and its metadata, validating before any work.

Entry points: :func:`read_input` (a path -> ``Transcript`` or decoded ``AudioInput``) and
:func:`read_meta` (a ``--meta`` JSON file -> ``CallMeta``).
"""

from __future__ import annotations

import importlib
import pkgutil

from ingest import formats
from ingest.reader import read_input, read_meta

for _mod in pkgutil.iter_modules(formats.__path__):
    importlib.import_module(f"{formats.__name__}.{_mod.name}")

__all__ = ["read_input", "read_meta"]
