"""Recompute the simulator's calibration constants from ``../shared/data``.

Prints the numbers stored in :mod:`scheduler.sim.calibration` next to the
values recomputed from the public data sets, so a reviewer can check them::

    python -m benchmarks.calibrate [DATA_DIR]

Data sets (not part of this repository; see ``../shared/data/README.md``):

* ``appointments/KaggleV2-May-2016.csv``: 110,527 outpatient appointments,
  Vitoria (Brazil) 2016 ("Medical Appointment No Shows", J. Hoppen 2016).
  Lead time = appointment date - booking (``ScheduledDay``) date [days].
* ``hangu/Data.csv``: 6,637 consultations of one physician, Hangu clinic,
  Guangzhou 2018-19 (Feng et al. 2023, Data 8(3):47). ``ServTime`` [s].
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from scheduler.sim import calibration

#: Default location of the shared data, relative to the repository root.
DEFAULT_DATA_DIR = Path(__file__).resolve().parents[2] / "shared" / "data"
APPOINTMENTS_CSV = Path("appointments") / "KaggleV2-May-2016.csv"
HANGU_CSV = Path("hangu") / "Data.csv"


@dataclass(frozen=True)
class NoShowFit:
    """No-show rates by booking lead-time bucket."""

    edges_days: tuple[int, ...]  #: lower bounds of the buckets [days]
    rates: tuple[float, ...]  #: no-show probability per bucket
    counts: tuple[int, ...]  #: appointments per bucket
    overall_rate: float  #: no-show probability over all appointments
    lead_days_mean: float  #: mean lead time [days]
    lead_days_p90: float  #: 90th percentile lead time [days]


@dataclass(frozen=True)
class ConsultFit:
    """Consultation-time summary and lognormal fit."""

    mean_min: float  #: sample mean [min]
    sd_min: float  #: sample standard deviation [min]
    median_min: float  #: sample median [min]
    log_mu: float  #: mean of log-minutes
    log_sigma: float  #: standard deviation of log-minutes
    count: int  #: consultations used


def no_show_by_lead_time(
    csv_path: Path, edges_days: tuple[int, ...] = calibration.NO_SHOW_LEAD_EDGES_DAYS
) -> NoShowFit:
    """No-show rate per lead-time bucket from the Kaggle appointment log.

    Rows whose appointment date precedes the booking date (5 data errors) are dropped.
    """
    frame = pd.read_csv(csv_path, usecols=["ScheduledDay", "AppointmentDay", "No-show"])
    booked = pd.to_datetime(frame["ScheduledDay"]).dt.normalize()
    visit = pd.to_datetime(frame["AppointmentDay"]).dt.normalize()
    lead = (visit - booked).dt.days.to_numpy()
    no_show = (frame["No-show"] == "Yes").to_numpy()
    keep = lead >= 0
    lead, no_show = lead[keep], no_show[keep]
    bucket = np.searchsorted(np.asarray(edges_days), lead, side="right") - 1
    rates, counts = [], []
    for index in range(len(edges_days)):
        mask = bucket == index
        counts.append(int(mask.sum()))
        rates.append(float(no_show[mask].mean()) if mask.any() else math.nan)
    return NoShowFit(
        edges_days=tuple(edges_days),
        rates=tuple(rates),
        counts=tuple(counts),
        overall_rate=float(no_show.mean()),
        lead_days_mean=float(lead.mean()),
        lead_days_p90=float(np.percentile(lead, 90)),
    )


def consultation_lognormal(csv_path: Path) -> ConsultFit:
    """Lognormal fit (moments of log-minutes) of Hangu consultation times."""
    frame = pd.read_csv(csv_path, usecols=["ServTime"])
    minutes = frame["ServTime"].to_numpy(dtype=float) / 60.0
    minutes = minutes[minutes > 0]
    logs = np.log(minutes)
    return ConsultFit(
        mean_min=float(minutes.mean()),
        sd_min=float(minutes.std(ddof=1)),
        median_min=float(np.median(minutes)),
        log_mu=float(logs.mean()),
        log_sigma=float(logs.std(ddof=1)),
        count=int(minutes.size),
    )


def main(argv: list[str] | None = None) -> int:
    """Print stored versus recomputed constants; exit 1 when the data is absent."""
    args = sys.argv[1:] if argv is None else argv
    data_dir = Path(args[0]) if args else DEFAULT_DATA_DIR
    if not (data_dir / APPOINTMENTS_CSV).exists() or not (data_dir / HANGU_CSV).exists():
        print(f"calibration data not found under {data_dir}", file=sys.stderr)
        return 1
    fit = no_show_by_lead_time(data_dir / APPOINTMENTS_CSV)
    print("No-show rate by lead time (appointments/KaggleV2-May-2016.csv)")
    print(f"  overall {fit.overall_rate:.4f}; lead mean {fit.lead_days_mean:.2f} d,"
          f" p90 {fit.lead_days_p90:.0f} d")
    for lower, rate, count, stored in zip(
        fit.edges_days, fit.rates, fit.counts, calibration.NO_SHOW_RATES, strict=True
    ):
        print(f"  lead >= {lower:>2} d: {rate:.4f} (n={count:>6})   stored {stored:.4f}")
    consult = consultation_lognormal(data_dir / HANGU_CSV)
    print("Consultation time (hangu/Data.csv)")
    print(f"  n={consult.count} mean {consult.mean_min:.2f} min, sd {consult.sd_min:.2f},"
          f" median {consult.median_min:.2f}")
    print(f"  lognormal mu {consult.log_mu:.4f}, sigma {consult.log_sigma:.4f}"
          f"   stored sigma {calibration.CONSULT_LOG_SIGMA:.4f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
