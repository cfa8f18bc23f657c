"""When booking requests arrive: hour of day and notice, from a real appointment log.

Source: "Medical Appointment No Shows" (J. Hoppen, 2016; as copied in the public
repository rmartins/DataMining; reported CC BY-NC-SA 4.0), column
``ScheduledDay`` of its 110,527 appointments: the booking time. Its stamps end
in ``Z`` but peak at 07-09 h, the opening hours of the clinics, so they are
read as local wall-clock time. Recompute with ``python -m benchmarks.calibrate``
style code: ``pd.to_datetime(df.ScheduledDay).dt.hour.value_counts()``
(``tests/sim/test_sim_booking_weeks.py`` does, marked ``data``).

The weekday profile of requests is not taken from here: it is the demand's
own (``demand.csv`` rows by date), which ``python cli.py forecast`` derives from
such a log.
"""

from __future__ import annotations

import numpy as np

#: Bookings per hour of the day (hour -> count) in the log above.
BOOKING_HOUR_COUNTS: dict[int, int] = {
    6: 1578, 7: 19213, 8: 15349, 9: 12823, 10: 11056, 11: 8462, 12: 5422, 13: 9036,
    14: 9127, 15: 8079, 16: 5542, 17: 2909, 18: 1340, 19: 488, 20: 100, 21: 3,
}

MINUTES_PER_HOUR = 60


def booking_minutes(n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` booking times of day [min after midnight]: an hour by the profile, then uniform in it."""
    hours = np.array(sorted(BOOKING_HOUR_COUNTS), dtype=np.int64)
    weights = np.array([BOOKING_HOUR_COUNTS[h] for h in hours], dtype=float)
    chosen = rng.choice(hours, size=n, p=weights / weights.sum())
    return chosen * MINUTES_PER_HOUR + rng.integers(0, MINUTES_PER_HOUR, size=n)


#: Booking lead time (appointment date - booking date) [days] of the log's appointments
#: booked at least a day ahead (65.1% of them; 34.9% were same-day): the 0%, 5%, ...,
#: 100% quantiles (inverted CDF). Mean 15.6 days; 16.9% beyond 28 days.
LEAD_DAYS_QUANTILES: tuple[int, ...] = (
    1, 1, 2, 2, 3, 4, 5, 6, 7, 8, 9, 12, 14, 16, 20, 22, 27, 30, 35, 48, 179,
)
#: Share of the log's appointments booked on the day itself [-].
SAME_DAY_SHARE: float = 0.349


def advance_notice_days(n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` booking notices [days, >= 1] from :data:`LEAD_DAYS_QUANTILES` (linear between quantiles)."""
    q = np.asarray(LEAD_DAYS_QUANTILES, dtype=float)
    position = rng.random(n) * (q.size - 1)
    k = np.minimum(position.astype(np.int64), q.size - 2)
    return np.floor(q[k] + (position - k) * (q[k + 1] - q[k])).astype(np.int64)
