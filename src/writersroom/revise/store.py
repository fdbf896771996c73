"""Reading and writing scripts with their revisions, in every format that can hold them.

FDX and the JSON format carry revision sets, marks and tracked changes themselves (see
`screenplay.fdx` and `screenplay.jsonformat`); a Fountain file keeps them in a boneyard block at
its end (`screenplay.revision_block`), which `screenplay.io` writes and reads for every command,
`writersroom convert` included. PDF prints the marks; HTML is written without them.
"""

from __future__ import annotations

import os
from pathlib import Path

from writersroom.screenplay import io
from writersroom.screenplay.model import Screenplay
from writersroom.screenplay.revision_block import PREFIX, embed, extract

__all__ = ["PREFIX", "embed", "extract", "load", "save"]


def load(path: str | os.PathLike[str]) -> Screenplay:
    """Read a script with its revisions (a Fountain file's revision block applied)."""
    return io.load(path)


def save(doc: Screenplay, path: str | os.PathLike[str]) -> Path:
    """Write `doc` atomically in the format of `path` (Fountain with its revision block)."""
    io.save(doc, path)
    return Path(path)
