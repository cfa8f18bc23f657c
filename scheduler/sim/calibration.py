"""Calibration constants of the simulator, derived from public data, with citations.

Recompute them with ``python -m benchmarks.calibrate`` (reads ``../shared/data``).

No-show by booking lead time
    "Medical Appointment No Shows" (J. Hoppen, 2016; Kaggle, copied in the
    public repository rmartins/DataMining; reported CC BY-NC-SA 4.0): 110,522
    outpatient appointments in Vitoria, Brazil, 2016 (5 rows with the
    appointment before the booking dropped). Lead time = appointment date -
    booking date [days]. Overall no-show rate 20.2%.

Consultation time
    Feng H., Jia Y., Zhou S., Chen H., Huang T. (2023), "A Dataset of Service
    Time and Related Patient Characteristics from an Outpatient Clinic",
    Data 8(3):47, doi:10.3390/data8030047 (CC BY-NC-SA 4.0): 6,637
    consultations of one physician, mean 13.4 min, sd 6.2 min, median 12.1 min;
    log-minutes mean 2.496, sd 0.438.

Punctuality
    Not calibrated from the bundled data: the Hangu log records consultation
    start times but no appointment times, and the Kaggle log has dates only.
    The default (normal, mean 10 min early, sd 15 min) is an assumption in line
    with the appointment-scheduling literature, which reports that most
    outpatients arrive early and that lateness/earliness varies by tens of
    minutes (review: Cayirli T. & Veral E. (2003), "Outpatient scheduling in
    health care: a review of literature", Production and Operations Management
    12(4):519-549). Treat it as a tunable setting, not a measured fact.

Walk-in arrivals
    Assumption: walk-ins arrive during their session with a density falling
    linearly from the session start to zero at its end (75% in the first half),
    i.e. "mostly early in the session". Not calibrated: the bundled data has no
    same-day arrival times (the Kaggle log's booking hours, peaking at 07-09h,
    describe bookings, not arrivals).
"""

from __future__ import annotations

import math

#: Lower bounds of the lead-time buckets [days]: 0, 1-2, 3-7, 8-14, 15-30, 31+.
NO_SHOW_LEAD_EDGES_DAYS: tuple[int, ...] = (0, 1, 3, 8, 15, 31)
#: No-show probability per bucket (Kaggle appointment log; counts 38,563 /
#: 11,938 / 20,247 / 12,025 / 17,371 / 10,378 appointments).
NO_SHOW_RATES: tuple[float, ...] = (0.0465, 0.2274, 0.2498, 0.3047, 0.3259, 0.3300)

#: Standard deviation of log consultation minutes (Hangu data, Feng et al. 2023).
CONSULT_LOG_SIGMA: float = 0.4385
#: Mean of log consultation minutes (Hangu data); only its sigma is reused.
CONSULT_LOG_MU: float = 2.4961
#: Coefficient of variation implied by the lognormal fit: sqrt(exp(sigma^2) - 1).
CONSULT_CV: float = math.sqrt(math.exp(CONSULT_LOG_SIGMA**2) - 1.0)

#: Mean arrival minus appointment time [min] (negative = early); assumption, see above.
PUNCTUALITY_MEAN_MIN: float = -10.0
#: Standard deviation of arrival minus appointment time [min]; assumption, see above.
PUNCTUALITY_SD_MIN: float = 15.0
