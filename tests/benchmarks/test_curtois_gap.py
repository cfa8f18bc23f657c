"""The breakdown of a roster's gap to the column-generation bound, on tiny instances."""

from __future__ import annotations

import math
from pathlib import Path

from curtois_tiny import TWO_STAFF, optimum_and_worse, write_instance

from benchmarks import curtois_gap
from benchmarks.curtois_instance import read_instance


def _write_roster(path: Path, roster) -> Path:
    path.write_text("employee,day,shift\n" + "".join(f"{e},{d},{s}\n" for e, d, s in sorted(roster)),
                    encoding="utf-8")
    return path


def test_report_accounts_for_a_worse_roster(tmp_path: Path) -> None:
    """For the optimum and a worse roster: the bound is below both, the cover slacks'
    share is never negative, and every employee's own schedule is among those listed
    within its reduced cost."""
    instance_path = write_instance(tmp_path, TWO_STAFF)
    best, optimum, worse = optimum_and_worse(read_instance(instance_path))
    for name, roster in (("best.csv", best), ("worse.csv", worse)):
        roster_path = _write_roster(tmp_path / name, roster)
        _, objective = curtois_gap.read_roster(instance_path, roster_path)
        first = curtois_gap.gap_report(instance_path, roster_path, [0.0], 10_000)
        assert first.roster_objective == objective and objective >= optimum
        assert math.ceil(first.bound - 1e-6) <= optimum
        assert first.slack_share >= -1e-6
        assert [row.employee_id for row in first.rows] == ["A", "B"]
        for row in first.rows:  # listed within exactly its own reduced cost
            room = max(0.0, row.roster_reduced_cost)
            again = curtois_gap.gap_report(instance_path, roster_path, [room], 10_000)
            own = next(r for r in again.rows if r.employee_id == row.employee_id)
            assert own.within[0][0] >= 1 and own.within[0][1]


def test_command_line_prints_the_table_and_rejects_bad_rosters(tmp_path: Path, capsys) -> None:
    instance_path = write_instance(tmp_path, TWO_STAFF)
    best, _, _ = optimum_and_worse(read_instance(instance_path))
    good = _write_roster(tmp_path / "good.csv", best)
    assert curtois_gap.main([str(instance_path), "--roster", str(good), "--within", "0", "2"]) == 0
    out = capsys.readouterr().out
    assert "| employee | roster reduced cost | schedules within 0 | schedules within 2 |" in out
    assert "| A |" in out and "| B |" in out
    broken = _write_roster(tmp_path / "broken.csv", set(best) | {("A", 2, "D")})  # A's day off worked
    assert curtois_gap.main([str(instance_path), "--roster", str(broken)]) == 2
    assert "not a feasible roster" in capsys.readouterr().err
    (tmp_path / "header.csv").write_text("who,day,shift\n", encoding="utf-8")
    assert curtois_gap.main([str(instance_path), "--roster", str(tmp_path / "header.csv")]) == 2
    assert "employee,day,shift" in capsys.readouterr().err
