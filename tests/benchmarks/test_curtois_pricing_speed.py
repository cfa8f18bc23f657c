"""The pricing-speed benchmark: both pricers agree on a tiny instance; bad input exits 2."""

from __future__ import annotations

from pathlib import Path

from curtois_tiny import TWO_SHIFTS, write_instance

from benchmarks import curtois_pricing_speed


def test_both_pricers_agree(tmp_path: Path, capsys) -> None:
    path = write_instance(tmp_path, TWO_SHIFTS)
    assert curtois_pricing_speed.main([str(path), "--vectors", "4"]) == 0
    found = curtois_pricing_speed.compare(path, vectors=4, seed=2)
    assert found["solves"] == 4 and found["disagreement"] <= 1e-6
    assert found["programme_ms"] > 0 and found["cp_sat_ms"] > 0
    assert "largest disagreement" in capsys.readouterr().out


def test_missing_instance_exits_2(tmp_path: Path, capsys) -> None:
    assert curtois_pricing_speed.main([str(tmp_path / "missing.txt")]) == 2
    assert "missing.txt" in capsys.readouterr().err
