"""A California-style instructional calendar for the synthetic district.

180 instructional days from mid-August to early June, without weekends, the usual
holidays and the winter and spring breaks. Census Day is the first Wednesday in October.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

INSTRUCTIONAL_DAYS = 180


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> dt.date:
    """n-th (1-based) weekday (Monday=0) of a month; n=-1 for the last one."""
    if n > 0:
        first = dt.date(year, month, 1)
        return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    last = nxt - dt.timedelta(days=1)
    return last - dt.timedelta(days=(last.weekday() - weekday) % 7)


def first_day(school_year: int) -> dt.date:
    """The Wednesday of the second full week of August."""
    return _nth_weekday(school_year - 1, 8, 2, 2)


def closed_days(school_year: int) -> set[dt.date]:
    fall, spring = school_year - 1, school_year
    days: set[dt.date] = {
        _nth_weekday(fall, 9, 0, 1),          # Labor Day
        dt.date(fall, 11, 11),                # Veterans Day
        _nth_weekday(spring, 1, 0, 3),        # Martin Luther King Jr. Day
        _nth_weekday(spring, 2, 0, 3),        # Presidents' Day
        _nth_weekday(spring, 2, 0, 3) - dt.timedelta(days=3),   # Lincoln Day (observed Friday)
    }
    thanksgiving = _nth_weekday(fall, 11, 3, 4)
    days |= {thanksgiving + dt.timedelta(days=d) for d in range(-3, 2)}   # Monday-Friday
    winter_start = dt.date(fall, 12, 22) - dt.timedelta(days=dt.date(fall, 12, 22).weekday())
    days |= {winter_start + dt.timedelta(days=d) for d in range(0, 14)}
    spring_break = _nth_weekday(spring, 3, 0, -1) + dt.timedelta(days=7)   # week after last Monday of March
    days |= {spring_break + dt.timedelta(days=d) for d in range(0, 5)}
    return days


def instructional_days(school_year: int) -> list[dt.date]:
    """The district's 180 instructional days of a school year, in order."""
    closed = closed_days(school_year)
    day = first_day(school_year)
    days: list[dt.date] = []
    while len(days) < INSTRUCTIONAL_DAYS:
        if day.weekday() < 5 and day not in closed:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def as_numpy(days: list[dt.date]) -> np.ndarray:
    return np.array(days, dtype="datetime64[D]")
