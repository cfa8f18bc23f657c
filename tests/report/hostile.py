"""A copy of the tiny scenario with hostile names (markup and script in scenario files)."""

from __future__ import annotations

import shutil
from pathlib import Path

TINY = Path(__file__).resolve().parent.parent / "data" / "tiny"
#: A doctor name and a scenario name that would run script or break markup if not escaped.
HOSTILE_DOCTOR = "<script>alert(1)</script>"
HOSTILE_SCENARIO = 'Tiny & "odd" <i>clinic</i>'


def hostile_tiny(folder: Path) -> Path:
    """A copy of tests/data/tiny whose first doctor and scenario have hostile names."""
    shutil.copytree(TINY, folder)
    for name, old, new in (("doctors.csv", "Wang Li", HOSTILE_DOCTOR),
                           ("scenario.yaml", 'name: "Tiny two-site clinic"', "name: 'Tiny & \"odd\" <i>clinic</i>'")):
        path = folder / name
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{name} no longer has {old!r}"
        path.write_text(text.replace(old, new), encoding="utf-8")
    return folder
