"""Where the courts of each jurisdiction a case can name date their judgments.

A conviction or charge is dated by its court's calendar. At a given instant the latest
such date is the one in the jurisdiction's easternmost time zone (a state spanning zones
dates a judgment by its own court's clock); a date later than that is after the
decision, whatever zone the decision was made in. The case reader attaches the zone to
each offense (``Offense.court_zone``); the engine only compares dates.
"""

from __future__ import annotations


def _each(codes: str, zone: str) -> dict[str, str]:
    return dict.fromkeys(codes.split(), zone)


COURT_ZONES = {
    **_each(
        "CT DE DC FL GA IN KY ME MD MA MI NH NJ NY NC OH PA RI SC TN VT VA WV", "America/New_York"
    ),
    **_each("AL AR IL IA KS LA MN MS MO NE ND OK SD TX WI", "America/Chicago"),
    # Arizona's Navajo Nation keeps daylight time; Oregon's Malheur County and Nevada's
    # West Wendover keep mountain time.
    **_each("AZ CO ID MT NM UT WY OR NV", "America/Denver"),
    # Alaska's Annette Island kept Pacific time until 2019.
    **_each("CA WA AK", "America/Los_Angeles"),
    "HI": "Pacific/Honolulu",
    "PR": "America/Puerto_Rico",
    "VI": "America/St_Thomas",
    "GU": "Pacific/Guam",
    "MP": "Pacific/Saipan",
    "AS": "Pacific/Pago_Pago",
    # A federal court may sit in Guam, the U.S. court furthest ahead of UTC.
    "federal": "Pacific/Guam",
}


def court_zone(jurisdiction: str) -> str | None:
    """The zone name for ``jurisdiction``'s courts; None for one not listed."""
    return COURT_ZONES.get(jurisdiction)
