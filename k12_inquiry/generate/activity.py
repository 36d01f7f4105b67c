"""What happens to the synthetic students during each year: programs, language status,
special education, tests, courses and marks, discipline.

Each function returns a pandas DataFrame whose columns are the raw (snake_case) column
names of the extract contract, every value already formatted as text, rows in a
deterministic order. Daily attendance and STAS are built in DuckDB (see `attendance.py`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import ndtr

from k12_inquiry import contract
from k12_inquiry.generate import calendar
from k12_inquiry.generate.population import GRADE_CODE, NUMERIC_GRADE, TYPE_OF_GRADE, Population

NAT = np.datetime64("NaT")


def fmt_date(values) -> np.ndarray:
    """datetime64 values -> CALPADS CCYYMMDD text ('' for missing)."""
    arr = np.asarray(values, dtype="datetime64[D]")
    text = np.char.replace(np.datetime_as_string(arr, unit="D"), "-", "")
    return np.where(np.isnat(arr), "", text)


def _group_member(pop: Population, group: str, student_idx: np.ndarray, school_year: int) -> np.ndarray:
    """Membership of the students in a Dashboard group, as the generator knows it."""
    students = pop.students
    race = students.race_group.to_numpy()[student_idx]
    if group in {"AA", "AI", "AS", "FI", "HI", "PI", "WH", "MR"}:
        return race == group
    if group == "SED":
        return students.is_sed.to_numpy()[student_idx]
    if group == "SWD":
        return students.is_swd.to_numpy()[student_idx]
    if group in {"EL", "LTEL"}:
        year_end = np.datetime64(f"{school_year}-06-30")
        rfep = students.rfep_date.to_numpy()[student_idx]
        el = students.is_el_at_entry.to_numpy()[student_idx] & (np.isnat(rfep) | (rfep > np.datetime64(f"{school_year - 1}-07-01")))
        if group == "EL":
            return el
        start = students.el_start_date.to_numpy()[student_idx]
        return el & ((year_end - start).astype(int) >= 2557)
    if group == "ALL":
        return np.ones(len(student_idx), bool)
    raise ValueError(f"the generator cannot plant an effect on group {group!r}")


def primary_spells(pop: Population, school_year: int) -> pd.DataFrame:
    """Primary and short-term records the student attended (a no-show never came)."""
    spells = pop.spells
    return spells[(spells.school_year == school_year) & spells.status.isin(["10", "30"])
                  & (spells.spell_kind != "no_show")]


def schools_extract(pop: Population, scenario: dict, school_year: int) -> pd.DataFrame:
    s = pop.schools
    lea = scenario["district"]["lea_code"]
    return pd.DataFrame({
        "cds_code": lea + s.school_code,
        "school_name": s.school_name,
        "district_name": scenario["district"]["name"],
        "school_type": s.school_type,
        "low_grade": s.low_grade,
        "high_grade": s.high_grade,
        "lea_type": scenario["district"]["lea_type"],
    })


def senr_extract(pop: Population, scenario: dict, school_year: int, rng: np.random.Generator) -> pd.DataFrame:
    spells = pop.spells[pop.spells.school_year == school_year]
    st = pop.students
    i = spells.student_idx.to_numpy()
    completion = spells.completion_status.to_numpy()
    theta = st.theta.to_numpy()[i]
    met = np.where(completion == "100", np.where(rng.random(len(i)) < 1 / (1 + np.exp(-(1.3 * theta + 0.35))), "Y", "N"), "")
    return pd.DataFrame({
        "reporting_lea": scenario["district"]["lea_code"],
        "school_of_attendance": pop.schools.school_code.to_numpy()[spells.school_idx],
        "academic_year_id": contract.academic_year_id(school_year),
        "ssid": st.ssid.to_numpy()[i],
        "local_student_id": st.local_student_id.to_numpy()[i],
        "student_legal_first_name": st.first_name.to_numpy()[i],
        "student_legal_last_name": st.last_name.to_numpy()[i],
        "student_birth_date": fmt_date(st.birth_date.to_numpy()[i]),
        "student_gender_code": st.gender_code.to_numpy()[i],
        "enrollment_start_date": fmt_date(spells.start.to_numpy()),
        "enrollment_status_code": spells.status.to_numpy(),
        "grade_level_code": GRADE_CODE[spells.grade_idx.to_numpy()],
        "enrollment_exit_date": fmt_date(spells.exit.to_numpy()),
        "student_exit_reason_code": spells.exit_reason.fillna("").to_numpy(),
        "student_school_completion_status": completion,
        "student_met_all_uc_csu_requirements_indicator": met,
    })


def _enrolled_students(pop: Population, school_year: int) -> pd.DataFrame:
    """One row per student enrolled in the year: first record's start and school."""
    spells = pop.spells[pop.spells.school_year == school_year].sort_values(["student_idx", "start"], kind="stable")
    first = spells.groupby("student_idx", sort=True).agg(start=("start", "min"), exit=("exit", "max"),
                                                          school_idx=("school_idx", "first"))
    return first.reset_index()


def sinf_extract(pop: Population, scenario: dict, school_year: int, rng: np.random.Generator) -> pd.DataFrame:
    demo = scenario["demographics"]
    enrolled = _enrolled_students(pop, school_year)
    keep = rng.random(len(enrolled)) >= demo["missing_demographics_record"]
    enrolled = enrolled[keep]
    st = pop.students
    i = enrolled.student_idx.to_numpy()
    base = pd.DataFrame({
        "student_idx": i,
        "reporting_lea": scenario["district"]["lea_code"],
        "school_of_attendance": pop.schools.school_code.to_numpy()[enrolled.school_idx],
        "ssid": st.ssid.to_numpy()[i],
        "local_student_id": st.local_student_id.to_numpy()[i],
        "effective_start_date": enrolled.start.to_numpy(),
        "effective_end_date": np.full(len(i), NAT, dtype="datetime64[D]"),
        "student_legal_first_name": st.first_name.to_numpy()[i],
        "student_legal_last_name": st.last_name.to_numpy()[i],
        "student_birth_date": st.birth_date.to_numpy()[i],
        "student_gender_code": st.gender_code.to_numpy()[i],
        "hispanic_ethnicity_indicator": st.hispanic_indicator.to_numpy()[i],
        "race_1_code": st.race_1_code.to_numpy()[i],
        "race_2_code": st.race_2_code.to_numpy()[i],
        "race_3_code": "", "race_4_code": "", "race_5_code": "",
        "student_initial_us_school_enrollment_date_k_12": st.initial_us_school_date.to_numpy()[i],
        "parent_guardian_1_highest_education_level_code": st.parent_1_education_level_code.to_numpy()[i],
        "parent_guardian_2_highest_education_level_code": st.parent_2_education_level_code.to_numpy()[i],
    })
    # some students get a corrected record mid-year: the earlier one is closed the day before
    changes = (rng.random(len(base)) < demo["demographic_change_mid_year"]) & (
        (base.effective_start_date + np.timedelta64(40, "D")).to_numpy() < np.datetime64(f"{school_year}-05-01"))
    earlier = base[changes].copy()
    change_date = (earlier.effective_start_date + pd.to_timedelta(rng.integers(30, 120, len(earlier)), unit="D")).to_numpy()
    earlier["effective_end_date"] = change_date - np.timedelta64(1, "D")
    race_fix = (rng.random(len(earlier)) < 0.4) & (st.race_group.to_numpy()[earlier.student_idx] != "blank")
    for column in ("hispanic_ethnicity_indicator", "race_1_code", "race_2_code"):
        earlier.loc[race_fix, column] = ""
    earlier.loc[~race_fix, "parent_guardian_2_highest_education_level_code"] = np.where(
        earlier.loc[~race_fix, "parent_guardian_1_highest_education_level_code"] == "14", "14", "15")
    later = base[changes].copy()
    later["effective_start_date"] = change_date
    table = pd.concat([base[~changes], earlier, later], ignore_index=True)
    table = table.sort_values(["student_idx", "effective_start_date"], kind="stable")
    for column in ("effective_start_date", "effective_end_date", "student_birth_date",
                   "student_initial_us_school_enrollment_date_k_12"):
        table[column] = fmt_date(table[column].to_numpy())
    return table.drop(columns="student_idx").reset_index(drop=True)


def sprg_extract(pop: Population, scenario: dict, school_year: int, rng: np.random.Generator) -> pd.DataFrame:
    spells = primary_spells(pop, school_year)
    per_school = spells.groupby(["student_idx", "school_idx"], sort=True).agg(start=("start", "min"), exit=("exit", "max")).reset_index()
    st = pop.students
    i = per_school.student_idx.to_numpy()
    year_last = pop.calendars[school_year][-1]
    year_first = pop.calendars[school_year][0]
    grade = pop.spells[pop.spells.school_year == school_year].groupby("student_idx").grade_idx.first()
    frames = []

    def records(mask, code, start, end):
        frames.append(pd.DataFrame({
            "student_idx": i[mask], "school_idx": per_school.school_idx.to_numpy()[mask],
            "education_program_code": code, "start": np.asarray(start)[mask] if np.ndim(start) else start,
            "end": np.asarray(end)[mask] if np.ndim(end) else end}))

    end_at_exit = np.where(per_school.exit.to_numpy() < year_last, per_school.exit.to_numpy(), year_last)
    meal = st.is_sed.to_numpy()[i] & ~st.is_sed_by_parent_education_only.to_numpy()[i]
    reduced = _student_uniform(pop, school_year, 4)[i] < 0.12      # a student's meal program, whatever the school
    records(meal & ~reduced, "181", per_school.start.to_numpy(), end_at_exit)
    records(meal & reduced, "182", per_school.start.to_numpy(), end_at_exit)
    first_school = ~pd.Series(i).duplicated().to_numpy()
    records(first_school & st.is_migrant.to_numpy()[i], "135", per_school.start.to_numpy(), NAT)
    homeless = first_school & (rng.random(len(i)) < scenario["demographics"]["homeless"])
    homeless_start = per_school.start.to_numpy() + rng.integers(0, 60, len(i)).astype("timedelta64[D]")
    homeless_start = np.minimum(homeless_start, end_at_exit)
    records(homeless, "191", homeless_start, NAT)
    foster = first_school & st.is_foster_ever.to_numpy()[i] & (rng.random(len(i)) < 0.7)
    foster_end = np.where(rng.random(len(i)) < 0.3, end_at_exit, NAT)
    records(foster, "193", per_school.start.to_numpy(), foster_end)
    plan_start = np.minimum(per_school.start.to_numpy(), year_first) - rng.integers(30, 700, len(i)).astype("timedelta64[D]")
    records(first_school & st.is_section_504.to_numpy()[i], "101", plan_start, NAT)
    is_tk = GRADE_CODE[grade.reindex(i).to_numpy()] == "TK"
    records(is_tk, "185", per_school.start.to_numpy(), end_at_exit)
    table = pd.concat(frames, ignore_index=True).sort_values(["student_idx", "school_idx", "education_program_code"], kind="stable")
    table["end"] = np.where(table.end.to_numpy(dtype="datetime64[D]") < table.start.to_numpy(dtype="datetime64[D]"),
                            table.start.to_numpy(dtype="datetime64[D]"), table.end.to_numpy(dtype="datetime64[D]"))
    j = table.student_idx.to_numpy()
    return pd.DataFrame({
        "reporting_lea": scenario["district"]["lea_code"],
        "school_of_attendance": pop.schools.school_code.to_numpy()[table.school_idx],
        "academic_year_id": contract.academic_year_id(school_year),
        "ssid": st.ssid.to_numpy()[j],
        "local_student_id": st.local_student_id.to_numpy()[j],
        "education_program_code": table.education_program_code.to_numpy(),
        "education_program_membership_start_date": fmt_date(table.start.to_numpy()),
        "education_program_membership_end_date": fmt_date(table.end.to_numpy()),
    })


def sped_extract(pop: Population, scenario: dict, school_year: int) -> pd.DataFrame:
    enrolled = _enrolled_students(pop, school_year)
    st = pop.students
    i = enrolled.student_idx.to_numpy()
    entry = st.sped_entry_date.to_numpy()[i]
    exit_ = st.sped_exit_date.to_numpy()[i]
    year_start = np.datetime64(f"{school_year - 1}-07-01")
    year_end = np.datetime64(f"{school_year}-06-30")
    active = st.is_swd.to_numpy()[i] & (entry <= year_end) & (np.isnat(exit_) | (exit_ >= year_start))
    exit_shown = np.where(exit_ <= year_end, exit_, NAT)
    m = active
    return pd.DataFrame({
        "reporting_lea": scenario["district"]["lea_code"],
        "school_of_attendance": pop.schools.school_code.to_numpy()[enrolled.school_idx.to_numpy()[m]],
        "ssid": st.ssid.to_numpy()[i[m]],
        "local_student_id": st.local_student_id.to_numpy()[i[m]],
        "primary_disability_category_code": st.disability_code.to_numpy()[i[m]],
        "special_education_entry_date": fmt_date(entry[m]),
        "special_education_exit_date": fmt_date(exit_shown[m]),
        "district_of_special_education_accountability": scenario["district"]["lea_code"],
    })


def sela_extract(pop: Population, scenario: dict, school_year: int) -> pd.DataFrame:
    enrolled = _enrolled_students(pop, school_year)
    st = pop.students
    i = enrolled.student_idx.to_numpy()
    year_start = np.datetime64(f"{school_year - 1}-07-01")
    year_end = np.datetime64(f"{school_year}-06-30")
    el = st.is_el_at_entry.to_numpy()[i]
    eo = st.is_eo.to_numpy()[i]
    newcomer = st.is_newcomer.to_numpy()[i]
    initial = st.initial_us_school_date.to_numpy()[i]
    rfep = st.rfep_date.to_numpy()[i]
    language = st.primary_language_code.to_numpy()[i]
    school = pop.schools.school_code.to_numpy()[enrolled.school_idx.to_numpy()]
    rows = []

    def add(mask, code, start):
        rows.append(pd.DataFrame({"student_idx": i[mask], "school": school[mask], "elas": code,
                                  "start": np.asarray(start)[mask], "language": language[mask]}))

    tbd_days = np.timedelta64(20, "D")
    has_tbd = newcomer & (initial >= year_start)
    add(has_tbd, "TBD", initial)
    first_status_date = np.where(has_tbd, initial + tbd_days, initial)
    add(eo & ~el, "EO", first_status_date)
    add(~eo & ~el, "IFEP", first_status_date)
    el_in_effect = el & (np.isnat(rfep) | (rfep >= year_start))
    add(el_in_effect, "EL", first_status_date)
    add(el & ~np.isnat(rfep) & (rfep <= year_end), "RFEP", rfep)
    table = pd.concat(rows, ignore_index=True).sort_values(["student_idx", "start"], kind="stable")
    j = table.student_idx.to_numpy()
    return pd.DataFrame({
        "reporting_lea": scenario["district"]["lea_code"],
        "school_of_attendance": table.school.to_numpy(),
        "ssid": st.ssid.to_numpy()[j],
        "local_student_id": st.local_student_id.to_numpy()[j],
        "english_language_acquisition_status_code": table.elas.to_numpy(),
        "english_language_acquisition_status_start_date": fmt_date(table.start.to_numpy()),
        "primary_language_code": table.language.to_numpy(),
    })


class ScaleScores:
    """Achievement-level bands from the `caaspp_scale_score_ranges` seed, as lookup arrays
    indexed by numeric grade (vectorised; no Python loop over students)."""

    def __init__(self):
        self.minimum: dict[str, np.ndarray] = {}      # subject -> [grade, level 1..4] lowest score
        self.maximum: dict[str, np.ndarray] = {}
        for r in contract.read_seed("caaspp_scale_score_ranges"):
            subject, grade, level = r["subject_code"], int(r["grade_assessed"]), int(r["achievement_level"])
            self.minimum.setdefault(subject, np.zeros((13, 5), dtype=np.int64))[grade, level] = int(r["min_scale_score"])
            self.maximum.setdefault(subject, np.zeros((13, 5), dtype=np.int64))[grade, level] = int(r["max_scale_score"])

    def level3(self, subject: str, grade: np.ndarray) -> np.ndarray:
        return self.minimum[subject][np.asarray(grade, dtype=int), 3]

    def bounds(self, subject: str, grade: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        grade = np.asarray(grade, dtype=int)
        return self.minimum[subject][grade, 1], self.maximum[subject][grade, 4]

    def level(self, subject: str, grade: np.ndarray, score: np.ndarray) -> np.ndarray:
        cuts = self.minimum[subject][np.asarray(grade, dtype=int)][:, 2:5]
        return 1 + (np.asarray(score)[:, None] >= cuts).sum(axis=1)

    def latent_level(self, subject: str, grade: np.ndarray, dfs: np.ndarray) -> np.ndarray:
        """Level implied by a distance from standard, using the nearest tested grade's bands."""
        grade = np.asarray(grade, dtype=int)
        tested = np.where(grade > 8, 11, np.clip(grade, 3, 8))
        return self.level(subject, tested, self.level3(subject, tested) + dfs)


TESTED_GRADES = {3, 4, 5, 6, 7, 8, 11}


def student_dfs(pop: Population, scenario: dict, subject: str, student_idx: np.ndarray, school_year: int,
                noise: np.ndarray | None = None) -> np.ndarray:
    ach = scenario["achievement"]
    theta = pop.students[f"theta_{subject.lower()}"].to_numpy()[student_idx]
    dfs = ach["dfs_per_sd"] * theta + ach["offsets"][subject]
    if subject == "ELA":
        dfs = dfs - ach["english_learner_ela_penalty"] * _group_member(pop, "EL", student_idx, school_year)
    if noise is not None:
        dfs = dfs + noise
    return dfs


def caaspp_extract(pop: Population, scenario: dict, school_year: int, rng: np.random.Generator,
                   scales: ScaleScores) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The CAASPP student score file, and each tested student's level by subject (for marks)."""
    ach = scenario["achievement"]
    sy = pop.student_years[pop.student_years.school_year == school_year]
    numeric = NUMERIC_GRADE[sy.grade_idx.to_numpy()]
    candidates = sy[np.isin(numeric, list(TESTED_GRADES))].copy()
    n = len(candidates)
    start = np.datetime64(f"{school_year}-03-10") + rng.integers(0, 70, n).astype("timedelta64[D]")
    candidates["test_date"] = start
    spells = primary_spells(pop, school_year)[["student_idx", "school_idx", "start", "exit"]]
    merged = candidates.merge(spells, on="student_idx", suffixes=("", "_spell"))
    merged = merged[(merged.start <= merged.test_date) & (merged.exit >= merged.test_date)]
    merged = merged.drop_duplicates("student_idx").sort_values("student_idx", kind="stable").reset_index(drop=True)
    st = pop.students
    i = merged.student_idx.to_numpy()
    grade = NUMERIC_GRADE[merged.grade_idx.to_numpy()]
    m = len(merged)
    swd = st.is_swd.to_numpy()[i]
    caa = swd & np.isin(st.disability_code.to_numpy()[i], ["210", "320", "310"]) & (rng.random(m) < ach["alternate_assessment_share_of_swd"] * 4)
    untested = rng.random(m) < ach["untested_share"]
    partial = ~untested & (rng.random(m) < ach["partial_test_share"])
    newcomer_months = (merged.test_date.to_numpy() - st.initial_us_school_date.to_numpy()[i]).astype(int)
    ela_exempt = st.is_newcomer.to_numpy()[i] & (newcomer_months < 365)
    completed = merged.test_date.to_numpy() + rng.integers(0, 10, m).astype("timedelta64[D]")
    frames, levels = [], []
    for subject, sb_type, caa_type in (("ELA", "01", "03"), ("MATH", "02", "04")):
        noise = rng.normal(0, ach["test_noise_sd"], m)
        dfs = student_dfs(pop, scenario, subject, i, school_year, noise)
        l3 = scales.level3(subject, grade)
        lo, hi = scales.bounds(subject, grade)
        score = np.clip(np.round(l3 + dfs), lo, hi).astype(int)
        level = scales.level(subject, grade, score)
        record_type = np.where(caa, caa_type, sb_type)
        include = np.where(untested, "N", np.where(partial, "T", "Y"))
        condition = np.where(untested, "NT", np.where(partial, "LOSS", ""))
        if subject == "ELA":
            include = np.where(ela_exempt & ~caa, "E", include)
            condition = np.where(ela_exempt & ~caa, "NEL", condition)
        has_score = (include == "Y") & ~caa
        caa_level = np.clip(level - 1, 1, 3)
        shown_level = np.where(caa & (include == "Y"), caa_level.astype(str),
                               np.where(has_score, level.astype(str), np.where(include == "T", "9", "")))
        tested_dates = include != "N"
        if subject == "ELA":
            tested_dates &= include != "E"
        frames.append(pd.DataFrame({
            "student_idx": i,
            "record_type": record_type,
            "ssid": st.ssid.to_numpy()[i],
            "grade_assessed": np.char.zfill(grade.astype(str), 2),
            "calpads_district_code": scenario["district"]["lea_code"],
            "calpads_school_code": pop.schools.school_code.to_numpy()[merged.school_idx],
            "test_start_date": np.where(tested_dates, fmt_date(merged.test_date.to_numpy()), ""),
            "test_completed_date": np.where(tested_dates, fmt_date(completed), ""),
            "condition_code": condition,
            "include_indicator": include,
            "scale_score": np.where(has_score, score.astype(str), ""),
            "achievement_level": shown_level,
        }))
        levels.append(pd.DataFrame({"student_idx": i, "subject": subject,
                                    "level": np.where(has_score, level, 0)}))
    table = pd.concat(frames, ignore_index=True).sort_values(["student_idx", "record_type"], kind="stable")
    return table.drop(columns="student_idx").reset_index(drop=True), pd.concat(levels, ignore_index=True)


# --- courses and marks -------------------------------------------------------------

def _course_plan(grade: np.ndarray, track: np.ndarray, top: np.ndarray, world_language: np.ndarray,
                 theta_math: np.ndarray) -> np.ndarray:
    """Six state course codes per student for the year (one per period)."""
    n = len(grade)
    plan = np.full((n, 6), "", dtype=object)
    g = grade
    ms_ela = {6: "2110", 7: "2111", 8: "2112"}
    ms_math = {6: "2420", 7: "2421", 8: "2422"}
    ms_sci = {6: "2610", 7: "2611", 8: "2612"}
    ms_soc = {6: "2810", 7: "2811", 8: "2812"}
    for grade_value in (6, 7, 8):
        m = g == grade_value
        plan[m, 0] = ms_ela[grade_value]
        plan[m, 1] = ms_math[grade_value]
        plan[m, 2] = ms_sci[grade_value]
        plan[m, 3] = ms_soc[grade_value]
        plan[m, 4] = "2720"
        plan[m, 5] = "9010"
    plan[(g == 8) & (track == 1), 1] = "2403"
    # high-school mathematics: one step a year from the grade-8 track
    rank = np.clip(track + (g - 8), 1, 5)
    math = np.select([rank == 1, rank == 2, rank == 3, rank == 4],
                     ["2403", "2413", "2404", np.where(theta_math > 0.3, "2414", "2445")],
                     np.where(theta_math > 1.0, "2480", "2483"))
    hs = g >= 9
    plan[hs, 1] = math[hs]
    english = {9: "2130", 10: "2131", 11: "2132", 12: "2133"}
    for grade_value, code in english.items():
        plan[g == grade_value, 0] = code
    plan[(g == 11) & top, 0] = "2170"
    plan[(g == 12) & top, 0] = "2171"
    m9, m10, m11, m12 = g == 9, g == 10, g == 11, g == 12
    plan[m9, 2], plan[m9, 3], plan[m9, 4] = "2627", "2721", np.where(world_language[m9], "2210", "1010")
    plan[m9, 5] = "9012"
    plan[m10, 2], plan[m10, 3], plan[m10, 4] = "2640", "2815", "2721"
    plan[m10, 5] = np.where(world_language[m10], "2211", "1020")
    plan[m11, 2] = np.where(top[m11], "2670", "2660")
    plan[m11, 3] = np.where(top[m11], "2870", "2816")
    plan[m11, 4] = np.where(world_language[m11], np.where(top[m11], "2270", "2212"), "9011")
    plan[m11, 5] = "1010"
    plan[m12, 2], plan[m12, 3], plan[m12, 4], plan[m12, 5] = "2817", "9011", "1020", "9012"
    low_math_senior = m12 & (rank == 1)
    plan[low_math_senior, 1] = "9012"
    plan[m12 & (plan[:, 1] == "9012") & (plan[:, 5] == "9012"), 5] = "1010"
    return plan


def course_extracts(pop: Population, scenario: dict, school_year: int, rng: np.random.Generator,
                    scales: ScaleScores, test_levels: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    marks_cfg = scenario["marks"]
    courses = {r["state_course_code"]: r for r in contract.read_seed("state_course_codes")}
    days = pop.calendars[school_year]
    term_end = {"S1": days[len(days) // 2 - 1], "S2": days[-1]}
    spells = primary_spells(pop, school_year)
    st = pop.students
    sy = pop.student_years[pop.student_years.school_year == school_year][["student_idx", "grade_idx"]]
    term_rows = []
    for term, end in term_end.items():
        on_day = spells[(spells.start <= end) & (spells.exit >= end)].drop_duplicates("student_idx")
        on_day = on_day.merge(sy, on="student_idx", suffixes=("_spell", ""))
        on_day = on_day[NUMERIC_GRADE[on_day.grade_idx.to_numpy()] >= 6]
        on_day = on_day.assign(term=term)
        term_rows.append(on_day[["student_idx", "school_idx", "grade_idx", "term"]])
    enrolled = pd.concat(term_rows, ignore_index=True)
    i = enrolled.student_idx.to_numpy()
    grade = NUMERIC_GRADE[enrolled.grade_idx.to_numpy()]
    theta = st.theta.to_numpy()[i]
    theta_math = st.theta_math.to_numpy()[i]
    # per-student draws are keyed by the student so both terms agree
    u = _student_uniform(pop, school_year, 1)[i]
    u2 = _student_uniform(pop, school_year, 2)[i]
    cutoff = np.quantile(st.theta_math.to_numpy(), 1 - marks_cfg["algebra_1_in_grade_8_share"])
    track = (theta_math + 0.3 * (u - 0.5) > cutoff).astype(int)
    top = theta + 0.3 * (u2 - 0.5) > np.quantile(st.theta.to_numpy(), 0.8)
    world_language = u2 < 0.6
    plan = _course_plan(grade, track, top, world_language, theta_math)
    n, periods = plan.shape
    rows = pd.DataFrame({
        "student_idx": np.repeat(i, periods),
        "school_idx": np.repeat(enrolled.school_idx.to_numpy(), periods),
        "grade": np.repeat(grade, periods),
        "term": np.repeat(enrolled.term.to_numpy(), periods),
        "course": plan.reshape(-1),
    })
    rows = rows[rows.course != ""].reset_index(drop=True)
    # sections of about 30 students per school, course and period; students keep their section all year
    group_size = rows[rows.term == "S1"].groupby(["school_idx", "course"]).size().rename("n").reset_index()
    group_size["sections"] = np.maximum(1, np.ceil(group_size.n / 30).astype(int))
    rows = rows.merge(group_size[["school_idx", "course", "sections"]], on=["school_idx", "course"], how="left")
    rows["sections"] = rows.sections.fillna(1).astype(int)
    su = _student_uniform(pop, school_year, 3)[rows.student_idx.to_numpy()]
    course_hash = rows.course.astype(int).to_numpy() % 97 / 97.0
    rows["section_number"] = (((su + course_hash) % 1.0) * rows.sections.to_numpy()).astype(int) + 1
    rows["section_id"] = rows.course + "-" + np.char.zfill(rows.section_number.astype(str).to_numpy().astype(str), 2)
    sections = rows[["school_idx", "course", "section_id", "section_number"]].drop_duplicates().sort_values(
        ["school_idx", "course", "section_number"], kind="stable").reset_index(drop=True)
    sections["section_effect"] = rng.normal(0, scenario["effects"]["section_grading_sd"], len(sections))
    sections["teacher_number"] = (sections.section_number - 1) // 5
    rows = rows.merge(sections[["school_idx", "section_id", "section_effect"]], on=["school_idx", "section_id"], how="left")
    rows = rows.sort_values(["school_idx", "student_idx", "term", "course"], kind="stable").reset_index(drop=True)
    # achievement level behind each mark: the test level of that subject this year if tested,
    # otherwise the level implied by latent achievement
    area = rows.course.map({c: r["content_area_code"] for c, r in courses.items()}).to_numpy()
    j = rows.student_idx.to_numpy()
    g = rows.grade.to_numpy()
    level = np.zeros(len(rows), dtype=int)
    for subject in ("ELA", "MATH"):
        latent = scales.latent_level(subject, g, student_dfs(pop, scenario, subject, j, school_year))
        tested = test_levels[(test_levels.subject == subject) & (test_levels.level > 0)].set_index("student_idx").level
        observed = tested.reindex(j).fillna(0).to_numpy().astype(int)
        subject_level = np.where(observed > 0, observed, latent)
        level = np.where(area == subject, subject_level, level)
        if subject == "ELA":
            other_level = subject_level
        else:
            other_level = np.round((other_level + subject_level) / 2).astype(int)
    level = np.where(level == 0, other_level, level)
    means = np.array(marks_cfg["level_means"])
    mu = means[level - 1] + rows.section_effect.to_numpy()
    sd = marks_cfg["noise_sd"]
    mark = mu + rng.normal(0, sd, len(rows))
    cuts = np.array(marks_cfg["letter_cuts"])
    points = (mark[:, None] >= cuts).sum(axis=1)             # 0 = F ... 4 = A
    bias = scenario["effects"]["grading_bias"]
    in_group = _group_member(pop, bias["group"], j, school_year)
    p_not_f = 1 - ndtr((cuts[0] - mu) / sd)
    demote_probability = np.clip(bias["grade_points"] / np.maximum(p_not_f, 1e-9), 0, 1)
    demote = in_group & (points > 0) & (rng.random(len(rows)) < demote_probability)
    points = points - demote
    letters = np.array(["F", "D", "C", "B", "A"])[points]
    hs = g >= 9
    credits = float(marks_cfg["credits_per_semester_course"])
    attempted = np.where(hs, f"{credits:.1f}", "")
    earned = np.where(hs, np.where(points > 0, f"{credits:.1f}", "0.0"), "")
    lea = scenario["district"]["lea_code"]
    school_codes = pop.schools.school_code.to_numpy()
    scsc = pd.DataFrame({
        "reporting_lea": lea,
        "school_of_attendance": school_codes[rows.school_idx],
        "academic_year_id": contract.academic_year_id(school_year),
        "ssid": st.ssid.to_numpy()[j],
        "local_student_id": st.local_student_id.to_numpy()[j],
        "course_section_id": rows.section_id.to_numpy(),
        "academic_term_code": rows.term.to_numpy(),
        "credits_attempted": attempted,
        "credits_earned": earned,
        "student_course_final_grade": letters,
    })
    crsc_rows = []
    for term in ("S1", "S2"):
        s = sections.assign(term=term)
        crsc_rows.append(s)
    crsc = pd.concat(crsc_rows, ignore_index=True).sort_values(["school_idx", "course", "section_number", "term"], kind="stable")
    ag = crsc.course.map({c: r["default_ag_area_code"] for c, r in courses.items()}).to_numpy()
    seid = (3_000_000_000 + crsc.school_idx.to_numpy().astype(np.int64) * 1000
            + crsc.course.astype(int).to_numpy() % 100 * 10 + crsc.teacher_number.to_numpy()).astype(str)
    crsc_table = pd.DataFrame({
        "reporting_lea": lea,
        "school_of_attendance": school_codes[crsc.school_idx],
        "academic_year_id": contract.academic_year_id(school_year),
        "course_section_id": crsc.section_id.to_numpy(),
        "local_course_id": "L" + crsc.course.to_numpy(),
        "course_name": crsc.course.map({c: r["state_course_name"] for c, r in courses.items()}).to_numpy(),
        "state_course_code": crsc.course.to_numpy(),
        "uc_csu_approved_indicator": np.where(ag != "", "Y", "N"),
        "uc_csu_admission_requirement_code": ag,
        "instructional_level_code": "",
        "academic_term_code": crsc.term.to_numpy(),
        "teacher_seid": seid,
    })
    return crsc_table.reset_index(drop=True), scsc


def _student_uniform(pop: Population, school_year: int, stream: int) -> np.ndarray:
    """A uniform draw per student that does not depend on the order of other draws."""
    idx = pop.students.student_idx.to_numpy().astype(np.uint64)
    x = (idx * np.uint64(0x9E3779B97F4A7C15) + np.uint64(school_year * 1_000_003 + stream * 97_003)) & np.uint64(0xFFFFFFFFFFFFFFFF)
    x ^= x >> np.uint64(33)
    x *= np.uint64(0xFF51AFD7ED558CCD)
    x ^= x >> np.uint64(33)
    x *= np.uint64(0xC4CEB9FE1A85EC53)
    x ^= x >> np.uint64(33)
    return (x >> np.uint64(11)).astype(np.float64) / float(1 << 53)


# --- discipline ---------------------------------------------------------------------

OTHER_OFFENSES = ["501", "504", "510", "202", "300", "506", "513", "601", "512", "101", "403", "508", "104"]
OTHER_OFFENSE_WEIGHTS = [25, 18, 10, 8, 10, 6, 5, 5, 4, 2, 3, 2, 2]
LOCATIONS = ["Classroom", "Hallway", "Playground or field", "Cafeteria", "Restroom", "Bus", "Parking lot", "Off campus"]
LOCATION_WEIGHTS = [40, 15, 15, 10, 8, 5, 3, 4]
REFERRAL_REASON = {
    "511": "Defiance/disruption", "510": "Inappropriate language", "501": "Fighting/physical aggression",
    "504": "Fighting/physical aggression", "202": "Drugs/alcohol", "300": "Tobacco/vaping",
    "506": "Harassment", "513": "Bullying", "403": "Harassment", "601": "Theft", "512": "Property damage",
    "101": "Weapon", "104": "Weapon", "508": "Threats",
}


def discipline_extracts(pop: Population, scenario: dict, school_year: int, rng: np.random.Generator
                        ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """SINC, SIRS, SOFF and the suspension days (student, school, date, code) for attendance."""
    cfg = scenario["discipline"]
    effect = scenario["effects"]["discipline_disproportionality"]
    days = pop.calendars[school_year]
    spells = primary_spells(pop, school_year).sort_values(["student_idx", "start"], kind="stable")
    first = spells.drop_duplicates("student_idx").reset_index(drop=True)
    st = pop.students
    i = first.student_idx.to_numpy()
    grade = NUMERIC_GRADE[first.grade_idx.to_numpy()]
    school_type = np.array(["ES", "MS", "HS"])[TYPE_OF_GRADE[first.grade_idx.to_numpy()]]
    n = len(first)
    in_group = _group_member(pop, effect["group"], i, school_year)
    risk = np.array([cfg["defiance_referral_risk"][t] for t in school_type])
    risk = np.clip(risk * np.where(in_group, effect["risk_ratio"], 1.0), 0, 1)
    has_defiance = rng.random(n) < risk
    defiance_count = has_defiance * (1 + rng.poisson(0.3, n))
    rate = np.array([cfg["other_incidents_per_year"][t] for t in school_type])
    rate = rate * np.exp(-0.3 * st.theta.to_numpy()[i]) * (1 + 0.4 * st.is_swd.to_numpy()[i])
    other_count = rng.poisson(rate)
    offense_lists = []
    for count, kind in ((defiance_count, "defiance"), (other_count, "other")):
        rep = np.repeat(np.arange(n), count)
        offense = (np.full(len(rep), effect["offense_codes"][0]) if kind == "defiance"
                   else np.asarray(OTHER_OFFENSES)[rng.choice(len(OTHER_OFFENSES), len(rep), p=np.array(OTHER_OFFENSE_WEIGHTS) / sum(OTHER_OFFENSE_WEIGHTS))])
        offense_lists.append(pd.DataFrame({"row": rep, "offense": offense}))
    incidents = pd.concat(offense_lists, ignore_index=True).sort_values(["row", "offense"], kind="stable").reset_index(drop=True)
    r = incidents.row.to_numpy()
    start_pos = np.searchsorted(days, first.start.to_numpy()[r])
    exit_pos = np.searchsorted(days, first.exit.to_numpy()[r])
    day_pos = start_pos + (rng.random(len(r)) * (exit_pos - start_pos + 1)).astype(int)
    day_pos = np.minimum(day_pos, exit_pos)
    incidents["student_idx"] = i[r]
    incidents["school_idx"] = first.school_idx.to_numpy()[r]
    incidents["date"] = days[day_pos]
    incidents["day_pos"] = day_pos
    incidents["exit_pos"] = exit_pos
    incidents["grade"] = grade[r]
    incidents["location"] = np.asarray(LOCATIONS)[rng.choice(len(LOCATIONS), len(r), p=np.array(LOCATION_WEIGHTS) / sum(LOCATION_WEIGHTS))]
    incidents = incidents.sort_values(["school_idx", "date", "student_idx"], kind="stable").reset_index(drop=True)
    incidents["incident_id"] = (f"{school_year % 100:02d}-" + (incidents.groupby("school_idx").cumcount() + 1).astype(str).str.zfill(6))
    # a second student in some fights, enrolled at the same school that day
    fights = incidents[incidents.offense.isin(["501", "504"]) & (rng.random(len(incidents)) < cfg["second_student_share"])]
    partner = first.iloc[rng.integers(0, n, len(fights))] if n else first.iloc[[]]
    original_student = fights.student_idx.to_numpy()
    pairs = fights.assign(student_idx=partner.student_idx.to_numpy(), partner_school=partner.school_idx.to_numpy(),
                          p_start=partner.start.to_numpy(), p_exit=partner.exit.to_numpy(),
                          grade=NUMERIC_GRADE[partner.grade_idx.to_numpy()])
    pairs = pairs[(pairs.partner_school == pairs.school_idx) & (pairs.p_start <= pairs.date) & (pairs.p_exit >= pairs.date)
                  & (pairs.student_idx.to_numpy() != original_student)]
    pairs = pairs[~pairs.set_index(["incident_id", "student_idx"]).index.isin(incidents.set_index(["incident_id", "student_idx"]).index)]
    pairs = pairs.assign(exit_pos=np.searchsorted(days, pairs.p_exit.to_numpy()))
    involved = pd.concat([incidents, pairs[incidents.columns]], ignore_index=True)
    # results
    m = len(involved)
    offense = involved.offense.to_numpy()
    categories = {r["offense_code"]: r["pbis_category"] for r in contract.read_seed("offense_codes")}
    category = involved.offense.map(categories).to_numpy()
    p_oss = np.select([category == "Weapons", category == "Drugs/alcohol/tobacco", category == "Physical aggression",
                       category == "Harassment/bullying", category == "Property"], [0.85, 0.6, 0.45, 0.35, 0.4], 0.2)
    p_oss = np.where(involved.grade.to_numpy() <= 3, p_oss * 0.5, p_oss)
    defiance = offense == "511"
    p_oss = np.where(defiance, np.where(involved.grade.to_numpy() >= 9, 0.10, 0.0), p_oss)
    p_iss = np.where(defiance & (involved.grade.to_numpy() < 9), 0.0, np.where(defiance, 0.20, 0.15))
    u = rng.random(m)
    result = np.where(u < p_oss, "100", np.where(u < p_oss + p_iss, "110", np.where(rng.random(m) < 0.8, "300", "400")))
    oss_days = np.asarray([0.5, 1, 2, 3, 5])[rng.choice(5, m, p=[0.05, 0.4, 0.3, 0.15, 0.1])]
    iss_days = np.asarray([0.5, 1, 2])[rng.choice(3, m, p=[0.1, 0.75, 0.15])]
    duration = np.where(result == "100", oss_days, np.where(result == "110", iss_days, 0.0))
    involved["result"] = result
    involved["duration"] = duration
    expel = (category == "Weapons") & (result == "100") & (rng.random(m) < 0.15)
    expulsions = involved[expel].assign(result="200", duration=0.0)
    results = pd.concat([involved, expulsions], ignore_index=True).sort_values(
        ["school_idx", "incident_id", "student_idx", "result"], kind="stable")
    lea = scenario["district"]["lea_code"]
    school_codes = pop.schools.school_code.to_numpy()
    ay = contract.academic_year_id(school_year)
    sinc = incidents.drop_duplicates(["school_idx", "incident_id"])
    sinc_table = pd.DataFrame({
        "reporting_lea": lea, "school_of_attendance": school_codes[sinc.school_idx], "academic_year_id": ay,
        "incident_id_local": sinc.incident_id.to_numpy(), "incident_occurrence_date": fmt_date(sinc.date.to_numpy()),
        "location": sinc.location.to_numpy()})
    ri = results.student_idx.to_numpy()
    sirs_table = pd.DataFrame({
        "reporting_lea": lea, "school_of_attendance": school_codes[results.school_idx], "academic_year_id": ay,
        "ssid": st.ssid.to_numpy()[ri], "local_student_id": st.local_student_id.to_numpy()[ri],
        "incident_id_local": results.incident_id.to_numpy(), "incident_result_code": results.result.to_numpy(),
        "incident_result_authority_code": "",
        "incident_result_duration_days": np.where(results.duration.to_numpy() > 0,
                                                  np.char.mod("%.1f", results.duration.to_numpy()), ""),
        "incident_result_modification_code": np.where(results.result.to_numpy() == "200", "100", "")})
    offenses = involved.sort_values(["school_idx", "incident_id", "student_idx"], kind="stable")
    oi = offenses.student_idx.to_numpy()
    soff_table = pd.DataFrame({
        "reporting_lea": lea, "school_of_attendance": school_codes[offenses.school_idx], "academic_year_id": ay,
        "ssid": st.ssid.to_numpy()[oi], "local_student_id": st.local_student_id.to_numpy()[oi],
        "incident_id_local": offenses.incident_id.to_numpy(), "student_offense_code": offenses.offense.to_numpy(),
        "weapon_category_code": np.where(np.isin(offenses.offense.to_numpy(), ["100", "101", "102", "103", "104", "105"]), "1", ""),
        "referral_reason": offenses.offense.map(REFERRAL_REASON).fillna("Other").to_numpy()})
    # full suspension days, starting the school day after the incident, inside the enrolment
    suspended = involved[(involved.result.isin(["100", "110"])) & (involved.duration >= 1)]
    whole = np.floor(suspended.duration.to_numpy()).astype(int)
    rep = np.repeat(np.arange(len(suspended)), whole)
    offset = np.arange(len(rep)) - np.repeat(np.cumsum(whole) - whole, whole) + 1
    pos = suspended.day_pos.to_numpy()[rep] + offset
    within = pos <= suspended.exit_pos.to_numpy()[rep]
    suspension_days = pd.DataFrame({
        "student_idx": suspended.student_idx.to_numpy()[rep][within],
        "school_idx": suspended.school_idx.to_numpy()[rep][within],
        "date": days[np.minimum(pos, len(days) - 1)][within],
        "code": np.where(suspended.result.to_numpy()[rep][within] == "100", "S", "N"),
    }).drop_duplicates(["student_idx", "school_idx", "date"])
    return sinc_table.reset_index(drop=True), sirs_table.reset_index(drop=True), soff_table.reset_index(drop=True), suspension_days
