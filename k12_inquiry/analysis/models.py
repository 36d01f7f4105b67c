"""The regression behind the grades-versus-assessment notebook.

Question: do students of a group receive lower course marks than other students who
scored at the same level on the state test? Model, one row per student and subject
(ELA, mathematics) in a school year:

    grade_points = b * in_group
                   + a[subject x achievement level]          (fixed effect, 8 cells)
                   + c[subject] * distance_from_standard / 100
                   + u[school]  (or u[section])              (fixed effect, absorbed)
                   + error

`grade_points` is the student's term-weighted mean grade points (A=4 ... F=0) in the
subject's courses that year; `b` is the group's gap in grade points against all other
students with the same test level and distance from standard in the same school (or the
same section). The level cells carry the comparison the Garden Grove method makes; the
within-level slope on distance from standard absorbs differences in where students sit
inside a level; the school (section) effects remove differences in grading between
schools (sections), so `b` is a within-school (within-section) gap.

Standard errors are cluster-robust (CR1) by course section: marks given in one section
share a teacher's grading, so they are not independent, and a student's two terms are
in the same section. The interval uses Student's t with (sections - 1) degrees of
freedom. Fixed effects are absorbed by demeaning within the school or section (Frisch-
Waugh-Lovell), which keeps the model fast at 100,000+ students.

Assumptions and limits: the test level is measured with error (a student near a cut
score can be in either level); the model is linear in grade points (an interval scale
for letter marks); it describes a difference and does not say why it arises.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.api as sm

from k12_inquiry.privacy import suppression_minimum_n

FIXED_EFFECTS = ("school", "section", None)


@dataclass(frozen=True)
class GapEstimate:
    """A group's adjusted gap with its cluster-robust interval."""

    estimate: float
    standard_error: float
    lower: float
    upper: float
    confidence: float
    n_group: int
    n_other: int
    n_observations: int
    n_clusters: int
    fixed_effects: str | None
    specification: str

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def _demean(matrix: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """Subtract the mean of each column within each group of `codes` (vectorised)."""
    counts = np.bincount(codes).astype(float)
    sums = np.zeros((counts.size, matrix.shape[1]))
    np.add.at(sums, codes, matrix)
    return matrix - (sums / counts[:, None])[codes]


def _independent_columns(matrix: np.ndarray, tolerance: float = 1e-7) -> np.ndarray:
    """Boolean mask of the columns that are not linear combinations of earlier columns
    (QR without pivoting, so earlier columns, e.g. the groups, are kept first)."""
    if matrix.shape[1] == 0:
        return np.zeros(0, dtype=bool)
    r = np.linalg.qr(matrix, mode="r")
    diagonal = np.abs(np.diag(r))
    return diagonal > tolerance * max(float(diagonal.max()), 1e-300)


def fit_grade_model(frame: pd.DataFrame, group_columns: list[str], *, outcome: str = "grade_points",
                    subject: str = "subject_code", level: str = "achievement_level",
                    distance: str | None = "distance_from_standard", school: str = "school_key",
                    section: str = "course_section_key", fixed_effects: str | None = "school",
                    confidence: float = 0.95, minimum_n: int | None = None) -> dict[str, GapEstimate | None]:
    """Fit the model of the module docstring with one indicator per column of `group_columns`
    (boolean columns; several columns give a joint model, e.g. race groups against a
    reference group plus EL, SED and SWD). Returns each column's estimate, None when the
    group or the other students number fewer than `minimum_n` (the suppression threshold:
    such an estimate is not shown) or when the group is not identified (it never varies
    within a school or section).

    `fixed_effects` is "school", "section" or None (level cells only).
    """
    if fixed_effects not in FIXED_EFFECTS:
        raise ValueError(f"fixed_effects must be one of {FIXED_EFFECTS}, not {fixed_effects!r}")
    if not group_columns:
        raise ValueError("group_columns must name at least one boolean column")
    threshold = suppression_minimum_n() if minimum_n is None else minimum_n
    needed = list(dict.fromkeys([outcome, subject, level, *group_columns, section]
                                + ([distance] if distance else []) + ([school] if fixed_effects == "school" else [])))
    data = frame[needed].dropna()
    results: dict[str, GapEstimate | None] = {column: None for column in group_columns}
    flags = {column: data[column].astype(bool).to_numpy() for column in group_columns}
    columns: dict[str, np.ndarray] = {f"group {column}": flags[column].astype(float) for column in group_columns}
    cell = data[subject].astype(str) + "-" + data[level].astype(str)
    for value in sorted(cell.unique()):
        columns[f"level {value}"] = (cell == value).to_numpy(dtype=float)
    if distance:
        subjects = data[subject].astype(str)
        for value in sorted(subjects.unique()):
            columns[f"{value} distance / 100"] = np.where(subjects == value,
                                                          data[distance].to_numpy(dtype=float) / 100.0, 0.0)
    names = list(columns)
    x = np.column_stack([columns[name] for name in names]) if len(data) else np.zeros((0, len(names)))
    y = data[outcome].to_numpy(dtype=float)
    if len(y) == 0:
        return results
    clusters = pd.factorize(data[section])[0]
    if fixed_effects is not None:
        absorbed = pd.factorize(data[school if fixed_effects == "school" else section])[0]
        x = _demean(x, absorbed)
        y = _demean(y[:, None], absorbed)[:, 0]
    keep = _independent_columns(x)
    x = x[:, keep]
    names = [name for name, kept in zip(names, keep) if kept]
    fit = sm.OLS(y, x).fit(cov_type="cluster", cov_kwds={"groups": clusters}, use_t=True)
    intervals = fit.conf_int(alpha=1 - confidence)
    effects = {"school": " + school fixed effects", "section": " + section fixed effects", None: ""}[fixed_effects]
    specification = ("grade points ~ group" + ("s" if len(group_columns) > 1 else "")
                     + " + subject x achievement level"
                     + (" + subject x distance from standard" if distance else "") + effects
                     + "; OLS, standard errors clustered by course section (CR1), t interval")
    for column in group_columns:
        n_group = int(flags[column].sum())
        n_other = int(len(y) - n_group)
        if n_group < threshold or n_other < threshold or f"group {column}" not in names:
            continue
        position = names.index(f"group {column}")
        results[column] = GapEstimate(
            estimate=float(fit.params[position]), standard_error=float(fit.bse[position]),
            lower=float(intervals[position][0]), upper=float(intervals[position][1]), confidence=confidence,
            n_group=n_group, n_other=n_other, n_observations=int(len(y)), n_clusters=int(clusters.max() + 1),
            fixed_effects=fixed_effects, specification=specification)
    return results


def grade_gap_model(frame: pd.DataFrame, in_group: str, **options) -> GapEstimate | None:
    """The gap of the group flagged by the boolean column `in_group` against all other
    students (`fit_grade_model` with that one group; same options)."""
    return fit_grade_model(frame, [in_group], **options)[in_group]
