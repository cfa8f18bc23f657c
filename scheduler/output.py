"""Writing output files without ever losing what was there before."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

#: Permissions of a newly written output file (owner writes, everyone reads).
NEW_FILE_MODE = 0o644


def backup_name(path: Path) -> Path:
    """The first free numbered backup name, ``roster.csv.~1~``, ``.~2~``, ..."""
    n = 1
    while (candidate := path.with_name(f"{path.name}.~{n}~")).exists():
        n += 1
    return candidate


def write_text_safely(path: Path, text: str) -> Path | None:
    """Write ``text`` to ``path`` atomically.

    If a different file is already there, it is first renamed to a numbered
    backup (returned), so nothing a user wrote is overwritten. An identical
    file is left as it is.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    backup = None
    if path.exists():
        if path.is_file() and path.read_bytes() == text.encode("utf-8"):
            return None
        backup = backup_name(path)
        path.rename(backup)
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
        os.chmod(temp, NEW_FILE_MODE)  # mkstemp makes private files; outputs are ordinary ones
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return backup


def write_json_safely(path: Path, data: Any) -> Path | None:
    """Write ``data`` as indented JSON (keys in order given) via :func:`write_text_safely`."""
    return write_text_safely(path, json.dumps(data, indent=2, default=str) + "\n")
