"""Binary output files, with the same keep-a-backup rule as :mod:`scheduler.output`."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from scheduler.output import NEW_FILE_MODE, backup_name


def write_bytes_safely(path: Path, data: bytes) -> Path | None:
    """Write ``data`` to ``path`` atomically; a different existing file becomes a numbered backup (returned)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    backup = None
    if path.exists():
        if path.is_file() and path.read_bytes() == data:
            return None
        backup = backup_name(path)
        path.rename(backup)
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temp, NEW_FILE_MODE)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return backup
