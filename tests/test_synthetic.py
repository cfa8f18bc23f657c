"""Tests of the synthetic hospital generator and the bundled scenarios it wrote."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import shlex
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from scheduler import synthetic
from scheduler.model import EXPERT_TITLES
from scheduler.scenario import load_scenario
from scheduler.synthetic import (
    OUTPUT_FILES,
    build_synthetic_hospital,
    capacity_per_session,
    main,
    write_synthetic_hospital,
)

REPO = Path(__file__).resolve().parent.parent
SCENARIOS = REPO / "scenarios"
APPOINTMENT_LOG = REPO.parent / "shared" / "data" / "appointments" / "KaggleV2-May-2016.csv"


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def _documented_commands() -> list[list[str]]:
    """The generator commands written in scenarios/README.md, as argument lists."""
    readme = (SCENARIOS / "README.md").read_text(encoding="utf-8")
    lines = re.findall(r"^python -m scheduler\.synthetic .*$", readme, flags=re.MULTILINE)
    return [shlex.split(line)[3:] for line in lines]


# --- determinism and the bundled scenarios ------------------------------------------


def test_same_seed_gives_same_bytes(tmp_path: Path) -> None:
    """Two runs with the same arguments write byte-identical folders."""
    first = write_synthetic_hospital(tmp_path / "a", doctors=50, sites=3, seed=5)
    second = write_synthetic_hospital(tmp_path / "b", doctors=50, sites=3, seed=5)
    assert sorted(p.name for p in first.iterdir()) == sorted(OUTPUT_FILES)
    for name in OUTPUT_FILES:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_different_seeds_give_different_hospitals() -> None:
    """The seed changes the drawn tables."""
    one = build_synthetic_hospital(seed=1)
    two = build_synthetic_hospital(seed=2)
    assert one["doctors.csv"] != two["doctors.csv"]
    assert one["demand.csv"] != two["demand.csv"]


def test_readme_documents_every_bundled_scenario() -> None:
    """scenarios/README.md gives one generator command per bundled scenario folder."""
    targets = sorted(Path(argv[0]).name for argv in _documented_commands())
    bundled = sorted(p.name for p in SCENARIOS.iterdir() if (p / "scenario.yaml").is_file())
    assert targets == bundled == [
        "city_general", "city_general_extended", "city_general_mobile_registration", "city_general_no_release",
        "city_general_settle_at_end", "city_general_weekend", "county_group", "county_group_partner",
    ]


@pytest.mark.parametrize("argv", _documented_commands(), ids=lambda a: Path(a[0]).name)
def test_bundled_scenario_equals_generator_output(argv: list[str], tmp_path: Path) -> None:
    """Rerunning the documented command reproduces the committed folder byte for byte."""
    committed = REPO / argv[0]
    out = tmp_path / "regenerated"
    assert main([str(out), *argv[1:]]) == 0
    assert sorted(p.name for p in committed.iterdir()) == sorted(p.name for p in out.iterdir())
    for path in sorted(out.iterdir()):
        assert (committed / path.name).read_bytes() == path.read_bytes(), (
            f"{committed / path.name} differs from the generator's output; rerun "
            f"'python -m scheduler.synthetic {' '.join(argv)}' and commit the result"
        )


def test_readme_demand_table_matches_default_scenario() -> None:
    """The daily demand totals quoted in scenarios/README.md are the bundled ones."""
    readme = (SCENARIOS / "README.md").read_text(encoding="utf-8")
    quoted = {d: int(n) for d, n in re.findall(r"^\| (\d{4}-\d\d-\d\d) \| \w+ \| (\d+) \|",
                                                readme, flags=re.MULTILINE)}
    demand = Counter()
    for row in _rows((SCENARIOS / "city_general" / "demand.csv").read_text(encoding="utf-8")):
        demand[row["date"]] += int(row["patients"])
    assert quoted == dict(demand)


# --- never lose user files ------------------------------------------------------------


def test_refuses_folder_with_foreign_files(tmp_path: Path) -> None:
    """A folder holding a file the generator does not write is left untouched."""
    (tmp_path / "notes.txt").write_text("my notes", encoding="utf-8")
    (tmp_path / "doctors.csv").write_text("hand edited", encoding="utf-8")
    with pytest.raises(FileExistsError, match="notes.txt"):
        write_synthetic_hospital(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["doctors.csv", "notes.txt"]
    assert (tmp_path / "doctors.csv").read_text(encoding="utf-8") == "hand edited"


def test_refuses_folder_with_subfolder(tmp_path: Path) -> None:
    """A subfolder counts as foreign, even one named like an output file."""
    (tmp_path / "demand.csv").mkdir()
    with pytest.raises(FileExistsError, match="demand.csv"):
        write_synthetic_hospital(tmp_path)


def test_refuses_a_file_as_folder(tmp_path: Path) -> None:
    """The output path must not be an existing file."""
    target = tmp_path / "scenario"
    target.write_text("x", encoding="utf-8")
    with pytest.raises(FileExistsError):
        write_synthetic_hospital(target)
    assert target.read_text(encoding="utf-8") == "x"


def test_rewrites_a_folder_of_its_own_files(tmp_path: Path) -> None:
    """A folder holding only generated files is regenerated in place."""
    write_synthetic_hospital(tmp_path, seed=3)
    expected = (tmp_path / "doctors.csv").read_bytes()
    (tmp_path / "doctors.csv").write_text("edited", encoding="utf-8")
    (tmp_path / "requests.csv").unlink()
    write_synthetic_hospital(tmp_path, seed=3)
    assert (tmp_path / "doctors.csv").read_bytes() == expected
    assert (tmp_path / "requests.csv").exists()


def test_command_line_reports_foreign_files_with_exit_code_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The entry point prints one clear message and exits 2 instead of overwriting."""
    (tmp_path / "keep.xlsx").write_bytes(b"binary")
    assert main([str(tmp_path), "--doctors", "30"]) == 2
    assert "keep.xlsx" in capsys.readouterr().err
    assert [p.name for p in tmp_path.iterdir()] == ["keep.xlsx"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"sites": 0}, "sites"),
        ({"sites": 99}, "sites"),
        ({"departments": 0}, "departments"),
        ({"departments": 99}, "departments"),
        ({"doctors": 5, "sites": 2, "departments": 6}, "doctors"),
        ({"days": 0}, "days"),
        ({"seed": -1}, "seed"),
    ],
)
def test_rejects_out_of_range_arguments(kwargs: dict[str, int], message: str) -> None:
    """Out-of-range arguments raise ValueError naming the argument."""
    with pytest.raises(ValueError, match=message):
        build_synthetic_hospital(**kwargs)


# --- the output loads and is realistic ------------------------------------------------


@pytest.mark.parametrize(
    ("doctors", "sites", "departments", "extended_hours"),
    [(50, 2, 6, False), (200, 2, 8, True), (60, 3, 6, False), (200, 3, 10, True),
     (6, 1, 6, False)],
)
def test_output_loads(
    tmp_path: Path, doctors: int, sites: int, departments: int, extended_hours: bool
) -> None:
    """Generated folders pass the scenario loader's validation, with the asked sizes."""
    write_synthetic_hospital(tmp_path, doctors=doctors, sites=sites, departments=departments,
                             extended_hours=extended_hours, seed=doctors + sites)
    scenario = load_scenario(tmp_path)
    assert len(scenario.doctors) == doctors
    assert len(scenario.sites) == sites
    assert len(scenario.departments) == departments
    assert scenario.days == 7
    assert len(scenario.dates) == 7
    assert scenario.solver.workers == 2
    assert ("EVE" in scenario.opening["weekday"]) is extended_hours
    assert any(d.session_id == "EVE" for d in scenario.demand) is extended_hours
    for doctor in scenario.doctors:
        assert doctor.min_sessions_per_week <= doctor.max_sessions_per_week


def test_longer_horizon_and_other_start_loads(tmp_path: Path) -> None:
    """A 14-day horizon starting mid-week loads and has demand on every date."""
    write_synthetic_hospital(tmp_path, days=14, start_date=dt.date(2027, 3, 3), doctors=40)
    scenario = load_scenario(tmp_path)
    assert {d.date for d in scenario.demand} == set(scenario.dates)


def test_default_hospital_mix() -> None:
    """Titles, flags, second sites and rooms follow the documented proportions."""
    files = build_synthetic_hospital()
    doctors = _rows(files["doctors.csv"])
    n = len(doctors)
    titles = Counter(d["title"] for d in doctors)
    assert titles == {"chief": 9, "associate_chief": 12, "attending": 24, "resident": 15}
    assert 0.65 <= sum(d["evening"] == "yes" for d in doctors) / n <= 0.78
    assert 0.55 <= sum(d["weekend"] == "yes" for d in doctors) / n <= 0.70
    assert sum(";" in d["sites"] for d in doctors) == round(0.2 * n)
    caps = [int(d["max_sessions_per_week"]) for d in doctors if d["max_sessions_per_week"]]
    assert caps and all(6 <= c <= 8 for c in caps) and len(caps) < n / 2
    mins = [int(d["min_sessions_per_week"]) for d in doctors if d["min_sessions_per_week"]]
    assert mins and all(2 <= m <= 4 for m in mins)
    rooms = _rows(files["rooms.csv"])
    assert any(r["department"] == "" for r in rooms)
    home = Counter((d["sites"].split(";")[0], d["department"]) for d in doctors)
    dedicated = Counter((r["site_id"], r["department"]) for r in rooms if r["department"])
    for cell, count in home.items():
        assert 1 <= dedicated[cell] < count, cell
    departments = {r["department"]: r for r in _rows(files["departments.csv"])}
    assert departments["dental"]["followup_booking_rate"] == "0.80"
    assert departments["obstetrics_prenatal"]["followup_booking_rate"] == "0.80"
    assert departments["internal_medicine"]["followup_booking_rate"] == ""


def test_contracted_minimums_fit_free_sessions() -> None:
    """Each contracted minimum fits in the doctor's free sessions of the baseline week."""
    files = build_synthetic_hospital(doctors=200, sites=3, departments=10, seed=11)
    blocked = defaultdict(set)
    for row in _rows(files["availability.csv"]):
        blocked[row["doctor_id"]].add((row["date"], row["session"]))
    start = dt.date(2026, 11, 30)
    for doctor in _rows(files["doctors.csv"]):
        if not doctor["min_sessions_per_week"]:
            continue
        free = 0
        for k in range(7):
            date = start + dt.timedelta(days=k)
            sessions = {5: ["AM"], 6: []}.get(date.weekday(), ["AM", "PM"])
            if date.weekday() >= 5 and doctor["weekend"] == "no":
                continue
            taken = blocked[doctor["doctor_id"]]
            free += sum((date.isoformat(), "") not in taken
                        and (date.isoformat(), s) not in taken for s in sessions)
        assert int(doctor["min_sessions_per_week"]) <= free // 2, doctor["doctor_id"]


def test_demand_peaks_on_monday_near_room_capacity() -> None:
    """Monday demand is 95-110% of daytime room capacity and above Friday's."""
    files = build_synthetic_hospital()
    rooms = _rows(files["rooms.csv"])
    specs = {s.department: s for s in synthetic.DEPARTMENT_CATALOGUE}
    demand = _rows(files["demand.csv"])
    expert = {(r["site_id"], r["department"]): float(r["expert_share"]) for r in demand}
    capacity = 0.0
    for site in {r["site_id"] for r in rooms}:
        site_rooms = [r for r in rooms if r["site_id"] == site]
        dedicated = Counter(r["department"] for r in site_rooms if r["department"])
        shared = len(site_rooms) - sum(dedicated.values())
        for dept, count in dedicated.items():
            rooms_eff = count * (1 + shared / sum(dedicated.values()))
            capacity += 2 * rooms_eff * capacity_per_session(specs[dept], expert[(site, dept)])
    per_day = Counter()
    for row in demand:
        per_day[dt.date.fromisoformat(row["date"]).weekday()] += int(row["patients"])
    assert 0.95 <= per_day[0] / capacity <= 1.10
    assert per_day[4] < per_day[0]
    assert 0 < per_day[6] < per_day[5] < per_day[4]


def test_extended_hours_keeps_the_same_hospital() -> None:
    """Only scenario.yaml and the split of demand rows differ from the baseline."""
    base = build_synthetic_hospital(seed=4)
    extended = build_synthetic_hospital(seed=4, extended_hours=True)
    for name in OUTPUT_FILES:
        if name not in ("scenario.yaml", "demand.csv"):
            assert base[name] == extended[name], name

    def totals(text: str) -> Counter:
        out: Counter = Counter()
        for row in _rows(text):
            out[(row["date"], row["site_id"], row["department"])] += int(row["patients"])
        return out

    assert totals(base["demand.csv"]) == totals(extended["demand.csv"])
    assert all(r["session"] == "" for r in _rows(base["demand.csv"]))
    assert any(r["session"] == "EVE" for r in _rows(extended["demand.csv"]))


def test_expert_share_only_where_experts_practise() -> None:
    """A site and department without a chief or associate chief has expert_share 0."""
    files = build_synthetic_hospital(doctors=80, sites=3, departments=8, seed=9)
    experts_at = {
        (site, d["department"])
        for d in _rows(files["doctors.csv"]) if d["title"] in EXPERT_TITLES
        for site in d["sites"].split(";")
    }
    for row in _rows(files["demand.csv"]):
        has_expert = (row["site_id"], row["department"]) in experts_at
        assert (float(row["expert_share"]) > 0) is has_expert


@pytest.mark.data
@pytest.mark.skipif(not APPOINTMENT_LOG.exists(), reason="needs ../shared/data appointment log")
def test_weekday_profile_matches_appointment_log() -> None:
    """The stored per-date weekday means are those of the appointment log."""
    counts: Counter = Counter()
    with APPOINTMENT_LOG.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            counts[row["AppointmentDay"][:10]] += 1
    per_weekday = defaultdict(list)
    for date, count in counts.items():
        per_weekday[dt.date.fromisoformat(date).weekday()].append(count)
    means = [sum(per_weekday[k]) / len(per_weekday[k]) for k in range(5)]
    assert means == pytest.approx(synthetic.APPOINTMENTS_PER_WEEKDAY_DATE, abs=0.06)


def test_planner_options_change_only_yaml_and_partner_registrations() -> None:
    """Weekend clinics, holidays, partner support, site-change limit and joint clinics keep
    the baseline's tables; only the chosen S1 experts gain the county site."""
    from scheduler.synthetic import PlannerOptions

    base = build_synthetic_hospital(doctors=60, sites=4, seed=1)
    options = PlannerOptions(weekend_clinics=True, holidays="CN", partner_sessions=8, partner_doctors=3,
                             max_site_changes=2, joint_clinics=1)
    varied = build_synthetic_hospital(doctors=60, sites=4, seed=1, options=options)
    for name in OUTPUT_FILES:
        if name not in ("scenario.yaml", "doctors.csv"):
            assert varied[name] == base[name], name
    changed = [(a, b) for a, b in zip(_rows(base["doctors.csv"]), _rows(varied["doctors.csv"]), strict=True)
               if a != b]
    assert len(changed) == 3
    assert all(b["sites"] == a["sites"] + ";S4" and a["sites"] == "S1" and a["title"] in EXPERT_TITLES
               for a, b in changed)
    yaml_text = varied["scenario.yaml"]
    for line in ("saturday: [AM, PM]", "sunday:   [AM]", "holidays: [CN]", "max_site_changes_per_week: 2",
                 "- {site: S4, from_home_site: S1, min_sessions_per_week: 8}", "departments: [internal_medicine, "):
        assert line in yaml_text, line
