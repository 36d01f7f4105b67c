"""Schools, students and enrollment spells of the synthetic district (vectorised NumPy).

Every random draw comes from one `numpy.random.Generator` seeded by the caller, in a
fixed order, so the same seed and scenario give the same district.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from k12_inquiry.generate import calendar

GRADES = ["TK", "KN", "01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12"]
PS_INDEX = len(GRADES)                          # preschool, outside the cohort simulation
GRADE_CODE = np.array(GRADES + ["PS"])
NUMERIC_GRADE = np.array(list(range(-1, 13)) + [-2])      # index -> numeric grade (TK -1, KN 0, PS -2)
SCHOOL_TYPES = ["ES", "MS", "HS"]
TYPE_OF_GRADE = np.array([0] * 7 + [1] * 3 + [2] * 4 + [0])   # TK-05 ES, 06-08 MS, 09-12 HS, PS ES
TOP_GRADE_OF_TYPE = {0: 6, 1: 9, 2: 13}         # grade index of 05, 08, 12

RACE_GROUPS = ["HI", "WH", "AS", "AA", "FI", "MR", "AI", "PI", "blank"]
ASIAN_CODES = [201, 202, 203, 204, 205, 206, 207, 208, 299]
PACIFIC_CODES = [301, 302, 303, 304, 399]
MAJOR_CODE = {"WH": 700, "AA": 600, "FI": 400, "AI": 100}

FIRST_NAMES = [
    "José", "María", "Sofía", "Mateo", "Camila", "Liam", "Olivia", "Noah", "Emma", "Ethan", "Ava",
    "Daniel", "Isabella", "Lucas", "Mía", "Santiago", "Valentina", "Sebastián", "Zoë", "Chloé",
    "André", "Renée", "Joaquín", "Inés", "Ramón", "Héctor", "Noé", "Élodie", "Ximena", "Ángel",
    "Aaliyah", "Jayden", "Kai", "Aiden", "Leilani", "Jasmine", "Isaiah", "Malik", "Nia", "Minh",
    "Linh", "Wei", "Mei", "Hana", "Kenji", "Aarav", "Priya", "Rafael", "Lourdes", "Françoise",
]
LAST_NAMES = [
    "García", "Hernández", "López", "Martínez", "González", "Rodríguez", "Pérez", "Sánchez",
    "Ramírez", "Flores", "Núñez", "Peña", "Muñoz", "Ibáñez", "Nguyen", "Tran", "Le", "Kim", "Park",
    "Chen", "Wong", "Patel", "Singh", "Smith", "Johnson", "Williams", "Brown", "Jones", "Miller",
    "Davis", "Wilson", "Anderson", "Thomas", "Jackson", "White", "Harris", "Martin", "Thompson",
    "Robinson", "Clark", "Lewis", "Walker", "Young", "Allen", "King", "Scott", "Green", "Baker",
    "Adams", "Nelson", "Gómez", "Díaz", "Cruz", "Reyes", "Morales", "Ortiz", "Gutiérrez", "Chávez",
    "Ramos", "Ruiz", "Álvarez", "Mendoza", "Castillo", "Jiménez", "Vásquez", "Romero", "Herrera",
    "Medina", "Aguilar", "Vargas", "Guzmán", "Méndez", "Ríos", "Domínguez", "O'Brien", "D'Angelo",
]
SCHOOL_NAMES = [
    "Alder", "Bayview", "Cedar Grove", "Desert Willow", "El Camino", "Foothill", "Golden Poppy",
    "Harbor", "Ironwood", "Juniper", "Kings River", "Live Oak", "Manzanita", "Northgate", "Orchard",
    "Pacific Crest", "Quail Run", "Redwood", "Sierra Vista", "Toyon", "Valley Oak", "Westwind",
    "Yucca Mesa", "Arroyo", "Buena Vista", "Coyote Creek", "Del Mar", "Eucalyptus", "Fremont",
    "Granite Bay", "Hillcrest", "Laguna", "Mission", "Olive Grove", "Palomar", "Riverside",
    "Sequoia", "Tamarack", "Vista del Sol", "Willow Glen",
]

SSID_MULTIPLIER = 2654435761     # coprime with 9e9, so index -> SSID is one-to-one
SSID_RANGE = 9_000_000_000


@dataclass
class Population:
    years: list[int]
    schools: pd.DataFrame
    students: pd.DataFrame
    student_years: pd.DataFrame
    spells: pd.DataFrame
    calendars: dict[int, np.ndarray] = field(default_factory=dict)


def ssid_for(index: np.ndarray, seed: int) -> np.ndarray:
    offset = (seed * 7919) % SSID_RANGE
    return 1_000_000_000 + (index.astype(np.int64) * SSID_MULTIPLIER + offset) % SSID_RANGE


def school_code_for(type_index: np.ndarray, ordinal: np.ndarray) -> np.ndarray:
    return np.char.add("6", np.char.add(type_index.astype(str), np.char.zfill(ordinal.astype(str), 5)))


def build_schools(n_students: int, scenario: dict, rng: np.random.Generator) -> pd.DataFrame:
    weights = grade_weights(scenario)
    shares = [weights[TYPE_OF_GRADE[:PS_INDEX] == t].sum() / weights.sum() for t in range(3)]
    sizes = scenario["school_sizes"]
    counts = [max(1, round(n_students * shares[t] / sizes[SCHOOL_TYPES[t]])) for t in range(3)]
    rows = []
    for t, count in enumerate(counts):
        for ordinal in range(1, count + 1):
            rows.append((t, ordinal))
    schools = pd.DataFrame(rows, columns=["type_index", "ordinal"])
    schools["school_idx"] = np.arange(len(schools))
    schools["school_type"] = np.array(SCHOOL_TYPES)[schools.type_index]
    schools["school_code"] = school_code_for(schools.type_index.to_numpy(), schools.ordinal.to_numpy())
    suffix = np.array(["Elementary", "Middle", "High"])[schools.type_index]
    base = np.array(SCHOOL_NAMES)[(schools.ordinal.to_numpy() - 1) % len(SCHOOL_NAMES)]
    repeat = (schools.ordinal.to_numpy() - 1) // len(SCHOOL_NAMES)
    names = [f"{b} {s}" + (f" {r + 1}" if r else "") for b, s, r in zip(base, suffix, repeat)]
    schools["school_name"] = names
    schools["low_grade"] = np.array(["TK", "06", "09"])[schools.type_index]
    schools["high_grade"] = np.array(["05", "08", "12"])[schools.type_index]
    schools["achievement_effect"] = rng.normal(0, 0.15, len(schools))
    schools["poverty"] = rng.beta(6, 4, len(schools))
    # planted chronic-absence schools: average poverty and achievement, so the effect is clean
    targets = {tuple(s.split("-")) for s in scenario["effects"]["chronic_absence"]["schools"]}
    is_target = np.array([(st, str(o)) in targets for st, o in zip(schools.school_type, schools.ordinal)])
    schools["is_chronic_absence_target"] = is_target
    schools.loc[is_target, "poverty"] = 0.6
    schools.loc[is_target, "achievement_effect"] = 0.0
    n_ms, n_hs = counts[1], counts[2]
    ordinal = schools.ordinal.to_numpy() - 1
    es_index = schools.index[schools.type_index == 0].to_numpy()
    ms_index = schools.index[schools.type_index == 1].to_numpy()
    hs_index = schools.index[schools.type_index == 2].to_numpy()
    schools["feeder_ms_idx"] = -1
    schools["feeder_hs_idx"] = -1
    schools.loc[es_index, "feeder_ms_idx"] = ms_index[ordinal[es_index] % n_ms]
    schools.loc[ms_index, "feeder_hs_idx"] = hs_index[ordinal[ms_index] % n_hs]
    return schools


def grade_weights(scenario: dict) -> np.ndarray:
    configured = scenario["population"]["grade_weights"]
    return np.array([float(configured.get(g, 1.0)) for g in GRADES])


def _choice(rng: np.random.Generator, options: list, shares: list[float], size: int) -> np.ndarray:
    shares = np.asarray(shares, dtype=float)
    return np.asarray(options)[rng.choice(len(options), size=size, p=shares / shares.sum())]


class StudentFactory:
    """Creates students with static attributes; indices are global and sequential."""

    def __init__(self, scenario: dict, schools: pd.DataFrame, rng: np.random.Generator, seed: int):
        self.scenario = scenario
        self.schools = schools
        self.rng = rng
        self.seed = seed
        self.frames: list[pd.DataFrame] = []
        self.count = 0

    def create(self, grade_idx: np.ndarray, school_year: int, entry_day: np.ndarray, is_newcomer: np.ndarray) -> np.ndarray:
        rng, sc = self.rng, self.scenario
        n = len(grade_idx)
        idx = np.arange(self.count, self.count + n)
        self.count += n
        demo = sc["demographics"]
        first_day = np.datetime64(calendar.first_day(school_year), "D")
        frame = pd.DataFrame({"student_idx": idx})
        frame["ssid"] = ssid_for(idx, self.seed).astype(str)
        frame["local_student_id"] = (100000 + idx).astype(str)
        frame["first_name"] = np.array(FIRST_NAMES)[rng.integers(0, len(FIRST_NAMES), n)]
        frame["last_name"] = np.array(LAST_NAMES)[rng.integers(0, len(LAST_NAMES), n)]
        frame["gender_code"] = _choice(rng, ["F", "M", "X"], [0.488, 0.505, 0.007], n)
        numeric = NUMERIC_GRADE[grade_idx]
        # age on September 1: 5 + grade (TK 4); birthdays spread over the preceding year
        sept1 = np.array([np.datetime64(dt.date(school_year - 1, 9, 1), "D")] * n)
        birth = sept1 - ((5 + numeric) * 365.25).astype(int).astype("timedelta64[D]") - rng.integers(0, 365, n).astype("timedelta64[D]")
        frame["birth_date"] = birth
        frame["entry_school_year"] = school_year
        frame["entry_grade_idx"] = grade_idx
        frame["home_es_idx"] = self.schools.index[self.schools.type_index == 0].to_numpy()[
            rng.integers(0, (self.schools.type_index == 0).sum(), n)]
        # race and ethnicity
        race_group = _choice(rng, list(demo["race_ethnicity"]), list(demo["race_ethnicity"].values()), n)
        frame["race_group"] = race_group
        self._race_codes(frame, race_group)
        # socio-economic status follows the neighbourhood school's poverty
        poverty = self.schools.poverty.to_numpy()[frame.home_es_idx]
        target = demo["socioeconomically_disadvantaged"]
        p_sed = np.clip(poverty * target / self.schools.poverty[self.schools.type_index == 0].mean(), 0.02, 0.98)
        is_sed = rng.random(n) < p_sed
        via_parent = is_sed & (rng.random(n) < demo["sed_by_parent_education_only"])
        frame["is_sed"] = is_sed
        frame["is_sed_by_parent_education_only"] = via_parent
        self._parent_education(frame, is_sed, via_parent)
        frame["is_migrant"] = (race_group == "HI") & is_sed & (rng.random(n) < demo["migrant"] / 0.33)
        # disability
        is_swd = rng.random(n) < demo["students_with_disabilities"]
        frame["is_swd"] = is_swd
        frame["disability_code"] = np.where(
            is_swd,
            _choice(rng, ["290", "240", "280", "320", "210", "260", "310", "220", "270", "250", "330", "230", "300"],
                    [38, 20, 16, 15, 5, 3, 1, 0.8, 0.4, 0.3, 0.2, 0.2, 0.1], n),
            "")
        years_before = rng.uniform(0.3, 5.0, n)
        identified_later = is_swd & (rng.random(n) < 0.15)
        sped_entry = first_day - (years_before * 365).astype(int).astype("timedelta64[D]")
        sped_entry = np.where(identified_later, first_day + rng.integers(30, 500, n).astype("timedelta64[D]"), sped_entry)
        frame["sped_entry_date"] = sped_entry
        exits = is_swd & (rng.random(n) < 0.04)
        frame["sped_exit_date"] = np.where(exits, sped_entry + rng.integers(200, 700, n).astype("timedelta64[D]"),
                                           np.datetime64("NaT"))
        frame["is_section_504"] = ~is_swd & (rng.random(n) < demo["section_504"])
        # first US school enrolment: kindergarten (or TK) entry, or arrival for newcomers
        k_entry = sept1 - (np.maximum(numeric, 0) * 365.25).astype(int).astype("timedelta64[D]") - np.timedelta64(18, "D")
        initial_us = np.where(is_newcomer, entry_day, np.minimum(k_entry, entry_day))
        frame["initial_us_school_date"] = initial_us
        frame["is_newcomer"] = is_newcomer
        # latent achievement
        z = rng.normal(0, 1, n)
        school_effect = self.schools.achievement_effect.to_numpy()[frame.home_es_idx]
        theta = 0.85 * z - 0.35 * is_sed - 0.7 * is_swd + school_effect
        frame["theta"] = theta
        frame["theta_ela"] = theta + 0.45 * rng.normal(0, 1, n)
        frame["theta_math"] = theta + 0.45 * rng.normal(0, 1, n)
        # English language acquisition
        el_share = demo["english_learner_at_entry"]
        p_el = np.array([el_share.get(g, el_share["other"]) for g in race_group])
        p_el = np.where(is_newcomer, 0.85, p_el)
        is_el_at_entry = rng.random(n) < p_el
        frame["is_el_at_entry"] = is_el_at_entry
        frame["is_eo"] = ~is_el_at_entry & (rng.random(n) < 0.85)
        frame["el_start_date"] = initial_us
        # years until reclassification: at least two years as EL; faster for stronger students
        p_reclass = np.clip(demo["annual_reclassification_rate"] * np.exp(0.9 * frame.theta_ela.to_numpy()), 0.01, 0.6)
        years_to_rfep = 2 + rng.geometric(p_reclass) - 1
        rfep_date = initial_us + (years_to_rfep * 365.25).astype(int).astype("timedelta64[D]") + rng.integers(150, 260, n).astype("timedelta64[D]")
        frame["rfep_date"] = np.where(is_el_at_entry, rfep_date, np.datetime64("NaT"))
        frame["primary_language_code"] = np.where(
            is_el_at_entry | (~frame.is_eo),
            np.where(race_group == "HI", "01", np.where(race_group == "AS", _choice(rng, ["02", "03", "04", "05"], [4, 3, 2, 1], n), "99")),
            "00")
        # attendance propensity: a Beta draw around a mean that depends on circumstances
        att = self.scenario["attendance"]
        mean = att["mean_daily_absence"] * np.exp(0.35 * is_sed - 0.15 * z + 0.25 * is_swd)
        mean = np.clip(mean / np.exp(0.35 * target) , 0.005, 0.6)
        kappa = att["concentration"]
        frame["absence_propensity"] = rng.beta(mean * kappa, (1 - mean) * kappa)
        frame["unexcused_share"] = np.clip(att["unexcused_share"] + 0.1 * is_sed - 0.05 + rng.normal(0, 0.08, n), 0.05, 0.9)
        frame["is_foster_ever"] = rng.random(n) < demo["foster"] * 1.5
        self.frames.append(frame)
        return idx

    def _race_codes(self, frame: pd.DataFrame, race_group: np.ndarray) -> None:
        rng = self.rng
        n = len(frame)
        hispanic = np.where(race_group == "HI", "Y", np.where(race_group == "blank", "", "N"))
        race1 = np.full(n, "", dtype=object)
        race2 = np.full(n, "", dtype=object)
        for group, code in MAJOR_CODE.items():
            race1[race_group == group] = str(code)
        asian = race_group == "AS"
        race1[asian] = np.array(ASIAN_CODES).astype(str)[rng.integers(0, len(ASIAN_CODES), asian.sum())]
        two_asian = asian & (rng.random(n) < 0.08)
        race2[two_asian] = np.array(ASIAN_CODES).astype(str)[rng.integers(0, len(ASIAN_CODES), two_asian.sum())]
        race2[two_asian & (race2 == race1)] = "299"
        race2[two_asian & (race2 == race1)] = "201"
        pacific = race_group == "PI"
        race1[pacific] = np.array(PACIFIC_CODES).astype(str)[rng.integers(0, len(PACIFIC_CODES), pacific.sum())]
        hisp = race_group == "HI"
        race1[hisp] = _choice(rng, ["700", "100", "600", ""], [0.62, 0.06, 0.02, 0.30], hisp.sum())
        mixed = race_group == "MR"
        pairs = np.array([("700", "600"), ("700", "201"), ("700", "100"), ("600", "400"), ("700", "400"), ("600", "301")])
        chosen = pairs[rng.integers(0, len(pairs), mixed.sum())]
        race1[mixed] = chosen[:, 0]
        race2[mixed] = chosen[:, 1]
        frame["hispanic_indicator"] = hispanic
        frame["race_1_code"] = race1
        frame["race_2_code"] = race2

    def _parent_education(self, frame: pd.DataFrame, is_sed: np.ndarray, via_parent: np.ndarray) -> None:
        rng = self.rng
        n = len(frame)
        not_sed_levels = ["10", "11", "12", "13", "15"]
        p1 = _choice(rng, not_sed_levels, [0.12, 0.25, 0.28, 0.27, 0.08], n).astype(object)
        p2 = _choice(rng, not_sed_levels + [""], [0.10, 0.2, 0.22, 0.2, 0.05, 0.23], n).astype(object)
        # meal-program SED students: lower education levels, sometimes one 14 next to a non-14
        sed_levels = ["12", "13", "14", "15"]
        p1_sed = _choice(rng, sed_levels, [0.2, 0.4, 0.3, 0.1], n)
        p2_sed = _choice(rng, ["13", "12", "15", ""], [0.35, 0.15, 0.1, 0.4], n)
        meal = is_sed & ~via_parent
        p1[meal] = p1_sed[meal]
        p2[meal] = p2_sed[meal]
        # identified by parent education alone: both parents 14, or the only parent 14
        single = rng.random(n) < 0.4
        p1[via_parent] = "14"
        p2[via_parent] = np.where(single[via_parent], "", "14")
        frame["parent_1_education_level_code"] = p1
        frame["parent_2_education_level_code"] = p2

    def table(self) -> pd.DataFrame:
        table = pd.concat(self.frames, ignore_index=True)
        # unique text (ids) as NumPy objects: extracts index these columns many times, and
        # converting Arrow-backed strings back to NumPy on every access is slow; repeated
        # text (names, codes) as categoricals, which keeps a million students small
        for column in table.columns:
            if not pd.api.types.is_string_dtype(table[column]) or isinstance(table[column].dtype, pd.CategoricalDtype):
                continue
            if column in ("ssid", "local_student_id"):
                if not pd.api.types.is_object_dtype(table[column]):
                    table[column] = pd.Series(table[column].to_numpy(dtype=object), dtype=object)
            else:
                table[column] = table[column].astype("category")
        return table


def _other_school(rng: np.random.Generator, schools: pd.DataFrame, school_idx: np.ndarray) -> np.ndarray:
    """A different school of the same type (the same school when the district has only one)."""
    types = schools.type_index.to_numpy()[school_idx]
    draws = rng.random(len(school_idx))
    result = school_idx.copy()
    for t in range(3):
        pool = schools.index[schools.type_index == t].to_numpy()
        mask = types == t
        if len(pool) < 2 or not mask.any():
            continue
        position = np.searchsorted(pool, school_idx[mask])
        pick = (draws[mask] * (len(pool) - 1)).astype(int)          # one of the other len(pool) - 1 schools
        result[mask] = pool[np.where(pick >= position, pick + 1, pick)]
    return result


def _school_for(schools: pd.DataFrame, home_es: np.ndarray, grade_idx: np.ndarray) -> np.ndarray:
    school_type = TYPE_OF_GRADE[grade_idx]
    ms = schools.feeder_ms_idx.to_numpy()[home_es]
    hs = schools.feeder_hs_idx.to_numpy()[ms]
    return np.select([school_type == 0, school_type == 1], [home_es, ms], hs)


def simulate(scenario: dict, n_students: int, years: list[int], seed: int, rng: np.random.Generator) -> Population:
    schools = build_schools(n_students, scenario, rng)
    factory = StudentFactory(scenario, schools, rng, seed)
    pop = scenario["population"]
    weights = grade_weights(scenario)
    target = np.round(n_students * weights / weights.sum()).astype(int)
    within = pop["within_year"]
    student_years, spells = [], []
    continuing_idx = np.array([], dtype=np.int64)
    continuing_grade = np.array([], dtype=np.int64)
    calendars = {}
    for k, year in enumerate(years):
        days = calendar.as_numpy(calendar.instructional_days(year))
        calendars[year] = days
        n_days = len(days)
        # newcomers fill each grade up to its target size
        counts = np.bincount(continuing_grade, minlength=len(GRADES)) if len(continuing_grade) else np.zeros(len(GRADES), int)
        deficit = np.maximum(target - counts, 0)
        if k > 0:
            deficit = np.maximum(deficit + rng.integers(-3, 4, len(GRADES)), 0)
        new_grade = np.repeat(np.arange(len(GRADES)), deficit)
        late_share = pop["late_arrival_share"] if k > 0 else 0.03
        is_late = rng.random(len(new_grade)) < late_share
        arrival_day = np.where(is_late, rng.integers(5, n_days - 25, len(new_grade)), 0)
        is_newcomer = is_late & (new_grade >= 5) & (rng.random(len(new_grade)) < scenario["demographics"]["newcomer_share_of_arrivals"] / late_share)
        new_idx = factory.create(new_grade, year, days[arrival_day], is_newcomer)
        students_now = factory.table()
        idx = np.concatenate([continuing_idx, new_idx])
        grade = np.concatenate([continuing_grade, new_grade])
        start_day = np.concatenate([np.zeros(len(continuing_idx), int), arrival_day])
        late = np.concatenate([np.zeros(len(continuing_idx), bool), is_late])
        home_es = students_now.home_es_idx.to_numpy()[idx]
        school = _school_for(schools, home_es, grade)
        n = len(idx)
        # within-year events (late arrivals stay put for the rest of the year)
        events = np.array(["full", "no_show", "mid_year_exit", "transfer", "re_entry", "same_day_exit"])
        shares = np.array([0, within["no_show"], within["mid_year_exit"], within["transfer_within_district"],
                           within["re_entry"], within["same_day_exit"]])
        shares[0] = 1 - shares[1:].sum()
        event = events[rng.choice(len(events), n, p=shares)]
        event[late] = "full"
        event[(event == "no_show") & (np.arange(n) >= len(continuing_idx))] = "full"
        grad = pop["graduation"]
        is_senior = grade == 13
        dropout = is_senior & (event == "full") & ~late & (rng.random(n) < grad["dropout"])
        event[dropout] = "dropout"
        status = np.where(late & (rng.random(n) < pop["short_term_share_of_late_arrivals"]), "30", "10")
        exit_day = np.maximum(rng.integers(20, n_days - 10, n), start_day)   # never before the start
        gap = rng.integers(1, 6, n)
        overlap = rng.random(n) < pop["overlapping_transfer_share"]
        other = _other_school(rng, schools, school)
        # moving to another school needs another school of the same type
        needs_other = np.isin(event, ["transfer", "same_day_exit"]) & (other == school)
        event[needs_other] = "full"
        re_gap = rng.integers(10, 40, n)
        mid_code = _choice(rng, ["T160", "T180", "T200", "T240", "T460", "E140", "E400"], [50, 10, 20, 8, 3, 5, 4], n)
        mid_code = np.where((mid_code == "E140") & (grade < 9), "T160", mid_code)
        rows = {"student_idx": [], "school_idx": [], "start": [], "exit": [], "status": [], "grade_idx": [],
                "exit_reason": [], "spell_kind": []}

        def add(mask, school_idx, start, exit_, status_, reason, kind):
            m = np.flatnonzero(mask)
            rows["student_idx"].append(idx[m])
            rows["school_idx"].append(np.asarray(school_idx)[m] if np.ndim(school_idx) else np.full(len(m), school_idx))
            rows["start"].append(days[np.asarray(start)[m] if np.ndim(start) else np.full(len(m), start)])
            rows["exit"].append(days[np.asarray(exit_)[m] if np.ndim(exit_) else np.full(len(m), exit_)])
            rows["status"].append(np.asarray(status_)[m] if np.ndim(status_) else np.full(len(m), status_))
            rows["grade_idx"].append(grade[m])
            rows["exit_reason"].append(np.asarray(reason, dtype=object)[m] if np.ndim(reason) else np.full(len(m), reason, dtype=object))
            rows["spell_kind"].append(np.full(len(m), kind, dtype=object))

        last = n_days - 1
        add(event == "full", school, start_day, last, status, None, "full")
        add(event == "no_show", school, 0, 0, "10", "N470", "no_show")
        add(event == "mid_year_exit", school, start_day, exit_day, status, mid_code, "mid_year_exit")
        add(event == "dropout", school, start_day, exit_day, status, "E140", "dropout")
        transfer = event == "transfer"
        add(transfer, school, start_day, exit_day, "10", "T160", "transfer_out")
        new_start = np.where(overlap, exit_day - rng.integers(1, 4, n), exit_day + gap)
        add(transfer, other, new_start, last, "10", None, "transfer_in")
        re_entry = event == "re_entry"
        first_exit = np.minimum(exit_day, n_days - 60)
        add(re_entry, school, start_day, first_exit, "10", "E400", "exit_before_re_entry")
        add(re_entry, school, first_exit + re_gap, last, "10", None, "re_entry")
        same_day = event == "same_day_exit"
        add(same_day, other, 0, 0, "10", "E150", "same_day_exit")
        add(same_day, school, 1, last, "10", None, "full")
        # concurrent secondary (status 20) enrolment for some high-school students
        secondary = (event == "full") & (TYPE_OF_GRADE[grade] == 2) & (other != school) & (rng.random(n) < pop["secondary_enrollment_share_hs"])
        sec_start = rng.integers(10, 90, n)
        add(secondary, other, sec_start, np.minimum(sec_start + rng.integers(20, 80, n), last), "20", "E170", "secondary")
        year_spells = pd.DataFrame({key: np.concatenate(value) for key, value in rows.items()})
        year_spells["school_year"] = year
        # year-end outcomes for records that reach the last day
        ends_year = (year_spells.exit == days[-1]) & year_spells.exit_reason.isna()
        g = year_spells.grade_idx.to_numpy()
        t = TYPE_OF_GRADE[g]
        outcome = rng.random(len(year_spells))
        completion = np.full(len(year_spells), "", dtype=object)
        reason = year_spells.exit_reason.to_numpy().copy()
        is_top = np.array([TOP_GRADE_OF_TYPE[0], TOP_GRADE_OF_TYPE[1], TOP_GRADE_OF_TYPE[2]])[t] == g
        senior = ends_year.to_numpy() & (g == 13)
        swd = students_now.is_swd.to_numpy()[year_spells.student_idx]
        p_cert = np.where(swd, grad["certificate_swd"] / 0.12, 0)
        p_360 = grad["completed_without_requirements"]
        completion[senior] = np.select(
            [outcome[senior] < p_cert[senior], outcome[senior] < p_cert[senior] + p_360],
            ["120", "360"], "100")
        reason[senior] = "E230"
        promoted = ends_year.to_numpy() & is_top & (g != 13)
        reason[promoted] = "E230"
        completion[promoted] = "480"
        reason[ends_year.to_numpy() & ~is_top] = "E155"
        year_spells["exit_reason"] = reason
        year_spells["completion_status"] = completion
        spells.append(year_spells)
        # student-year table: primary school = school of the record covering most of the year
        sy = pd.DataFrame({"student_idx": idx, "school_year": year, "grade_idx": grade, "school_idx": school,
                           "event": event, "is_late_arrival": late})
        student_years.append(sy)
        # who continues next year
        primary = year_spells[year_spells.status.isin(["10", "30"])]
        finishes = primary.groupby("student_idx").exit.max() == days[-1]
        finished_ids = finishes.index.to_numpy()[finishes.to_numpy()]
        fin = pd.DataFrame({"student_idx": finished_ids}).merge(sy[["student_idx", "grade_idx"]], on="student_idx")
        fin = fin[fin.grade_idx < 13]
        stays = rng.random(len(fin)) >= pop["summer_exit_rate"]
        fin = fin[stays]
        retained = rng.random(len(fin)) < pop["retention_rate"]
        continuing_idx = fin.student_idx.to_numpy()
        continuing_grade = np.where(retained, fin.grade_idx.to_numpy(), fin.grade_idx.to_numpy() + 1)
    students = factory.table()
    spell_table = pd.concat(spells, ignore_index=True)
    spell_table = _add_preschool(spell_table, schools, years, calendars, scenario, rng, factory)
    students = factory.table()
    spell_table = spell_table.sort_values(["school_year", "school_idx", "student_idx", "start", "status"], kind="stable").reset_index(drop=True)
    backwards = spell_table.exit < spell_table.start
    if backwards.any():   # an internal invariant: faults are injected later, on purpose, by the writer
        raise RuntimeError(f"generator bug: {int(backwards.sum())} clean enrolment records end before they start")
    return Population(years=years, schools=schools, students=students,
                      student_years=pd.concat(student_years, ignore_index=True), spells=spell_table, calendars=calendars)


def _add_preschool(spells, schools, years, calendars, scenario, rng, factory) -> pd.DataFrame:
    """Preschool (grade PS, status 50) students at elementary schools: outside every TK-12 indicator."""
    per_school = scenario["population"]["preschool_students_per_es"]
    es = schools.index[schools.type_index == 0].to_numpy()
    frames = [spells]
    for year in years:
        if per_school <= 0:
            continue
        days = calendars[year]
        n = per_school * len(es)
        idx = factory.create(np.full(n, PS_INDEX), year, np.full(n, days[0]), np.zeros(n, bool))
        frames.append(pd.DataFrame({
            "student_idx": idx, "school_idx": np.repeat(es, per_school), "start": days[0], "exit": days[-1],
            "status": "50", "grade_idx": PS_INDEX, "exit_reason": "E155", "spell_kind": "preschool",
            "school_year": year, "completion_status": "",
        }))
    return pd.concat(frames, ignore_index=True)
