"""The simulator's output rows: one immutable record per demand patient per replication."""

from __future__ import annotations

from typing import NamedTuple


class Visit(NamedTuple):
    """What happened to one demand patient in one replication.

    Times are minutes after midnight of ``visit_date`` (NaN when the step did
    not happen); text fields are empty when not applicable.
    """

    replication: int
    patient_id: int  #: stable across scenarios with the same demand
    demand_date: str  #: ISO date the patient wanted to be seen from
    visit_date: str  #: ISO date of the visit ('' if unserved)
    site_id: str
    department: str
    session_id: str  #: session of the visit (preferred session if unserved)
    doctor_id: str  #: booked doctor, or the doctor who saw a walk-in
    clinic: str  #: general / expert / mdt of that doctor
    channel: str  #: booked / walk_in
    needs_expert: bool
    status: str  #: seen / no_show / no_slot / turned_away
    no_show: bool
    lead_days: float  #: visit date - demand date [days]
    within_window: bool  #: seen or booked within the booking window
    appointment_min: float  #: booked appointment time [min]
    arrival_min: float  #: arrival at registration [min]
    registration_start_min: float  #: [min]
    queue_join_min: float  #: joined the consultation queue [min]
    consult_start_min: float  #: [min]
    consult_end_min: float  #: [min]
    payment_end_min: float  #: end of the first payment, or of the settlement [min]
    wait_min: float  #: consultation queue join to consultation start [min]
    consult_min: float  #: consultation duration [min]
    queues: int  #: queues joined: stations and consultations (registration, consultation, payments, ...)
    payment_start_min: float  #: start of the first payment, or of the settlement [min]
    exit_min: float  #: left the hospital after the last step [min]
    time_in_hospital_min: float  #: arrival to exit [min]
    registration_wait_min: float  #: queued for registration [min] (NaN: mobile or not come)
    return_wait_min: float  #: queued for the return consultation with results [min]
    cashier_wait_min: float  #: queued at cashiers, all payments together [min]
    lab_wait_min: float  #: queued for sample collection [min]
    imaging_wait_min: float  #: queued for imaging [min]
    pharmacy_wait_min: float  #: queued at the pharmacy [min]
