"""What changed between two rosters: doctors moved, doctor-sessions added, dropped or changed.

A doctor-session is identified by ``(doctor, date, session)``; a doctor can
hold at most one place per session (hard rule 1), so this key is unique in a
valid roster (a roster breaking rule 1 keeps its first row per key). Every
doctor-session of either roster falls in exactly one group:

- *moved*: in both, at another site or room;
- *added*: only in the newer roster;
- *dropped*: only in the older roster;
- *changed*: in both, same place, but another department, clinic, time or slot count;
- unchanged (not listed).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from scheduler.model import Assignment, format_hhmm

Key = tuple[str, dt.date, str]


@dataclass(frozen=True)
class Move:
    """A doctor-session held in both rosters at different places."""

    before: Assignment
    after: Assignment


@dataclass(frozen=True)
class RosterDiff:
    """Differences from an older roster to a newer one, each group sorted by date, session, doctor."""

    moved: tuple[Move, ...]
    added: tuple[Assignment, ...]
    dropped: tuple[Assignment, ...]
    changed: tuple[Move, ...]
    unchanged: int  #: doctor-sessions identical in both

    @property
    def empty(self) -> bool:
        """True when the rosters hold the same doctor-sessions."""
        return not (self.moved or self.added or self.dropped or self.changed)


def _key(a: Assignment) -> Key:
    return (a.doctor_id, a.date, a.session_id)


def _order(key: Key) -> tuple[dt.date, str, str]:
    return (key[1], key[2], key[0])


def _index(assignments: Iterable[Assignment]) -> dict[Key, Assignment]:
    index: dict[Key, Assignment] = {}
    for a in assignments:
        index.setdefault(_key(a), a)
    return index


def roster_diff(before: Iterable[Assignment], after: Iterable[Assignment]) -> RosterDiff:
    """Group every doctor-session of two rosters as moved, added, dropped, changed or unchanged."""
    old, new = _index(before), _index(after)
    moved, changed = [], []
    unchanged = 0
    for key in sorted(old.keys() & new.keys(), key=_order):
        a, b = old[key], new[key]
        if (a.site_id, a.room_id) != (b.site_id, b.room_id):
            moved.append(Move(a, b))
        elif a != b:
            changed.append(Move(a, b))
        else:
            unchanged += 1
    return RosterDiff(
        moved=tuple(moved),
        added=tuple(new[k] for k in sorted(new.keys() - old.keys(), key=_order)),
        dropped=tuple(old[k] for k in sorted(old.keys() - new.keys(), key=_order)),
        changed=tuple(changed),
        unchanged=unchanged,
    )


def _when(a: Assignment) -> str:
    return f"{a.date.isoformat()} {a.session_id}"


def _place(a: Assignment) -> str:
    return f"{a.site_id}/{a.room_id}"


def _details(a: Assignment) -> str:
    return (f"{a.department} {a.clinic} {format_hhmm(a.start_min)}-{format_hhmm(a.end_min)} "
            f"{a.slots} slots ({a.booking_open_slots} bookable)")


def diff_text(diff: RosterDiff, label_before: str = "v1", label_after: str = "v2") -> str:
    """The differences as indented lines for a terminal."""
    lines = [
        f"{label_before} -> {label_after}: {len(diff.moved)} moved, {len(diff.added)} added, "
        f"{len(diff.dropped)} dropped, {len(diff.changed)} changed, {diff.unchanged} unchanged"
    ]
    for m in diff.moved:
        lines.append(f"  moved    {m.after.doctor_id} {_when(m.after)}: {_place(m.before)} -> {_place(m.after)}")
    for a in diff.added:
        lines.append(f"  added    {a.doctor_id} {_when(a)} at {_place(a)}: {_details(a)}")
    for a in diff.dropped:
        lines.append(f"  dropped  {a.doctor_id} {_when(a)} at {_place(a)}: {_details(a)}")
    for m in diff.changed:
        lines.append(f"  changed  {m.after.doctor_id} {_when(m.after)} at {_place(m.after)}: "
                     f"{_details(m.before)} -> {_details(m.after)}")
    return "\n".join(lines)
