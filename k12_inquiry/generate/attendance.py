"""Daily attendance and the STAS absence summary, simulated in DuckDB.

Each enrolled instructional day gets an attendance code from a hash of (seed, SSID, date):
no Python loop and no dependence on thread scheduling, so the same seed gives the same
file. STAS is the sum of the same simulated days, so the two always agree.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from k12_inquiry import contract
from k12_inquiry.generate.population import GRADE_CODE, Population

UNIT = "18446744073709551616.0"          # 2**64: hash() -> uniform [0, 1)


def build_attendance_spells(con, pop: Population, scenario: dict, suspension_days: pd.DataFrame) -> None:
    """Table `att_spells`: one row per primary or short-term enrolment record, in file order."""
    att = scenario["attendance"]
    chronic = scenario["effects"]["chronic_absence"]
    # days are marked for primary and short-term records the student attended (not no-shows)
    spells = pop.spells[pop.spells.status.isin(["10", "30"]) & (pop.spells.spell_kind != "no_show")].reset_index(drop=True)
    st = pop.students
    i = spells.student_idx.to_numpy()
    grade_code = GRADE_CODE[spells.grade_idx.to_numpy()]
    grade_factor = np.array([float(att["grade_factors"].get(g, 1.0)) for g in grade_code])
    schools = pop.schools
    target_school = schools.is_chronic_absence_target.to_numpy()[spells.school_idx]
    target_cell = target_school & np.isin(grade_code, [str(g) for g in chronic["grades"]])
    propensity = st.absence_propensity.to_numpy()[i] * grade_factor * np.where(target_cell, chronic["multiplier"], 1.0)
    # each enrolment covers a contiguous run of instructional days: positions in the calendar
    start_pos = np.zeros(len(spells), dtype=np.int64)
    exit_pos = np.zeros(len(spells), dtype=np.int64)
    for year, days in pop.calendars.items():
        in_year = spells.school_year.to_numpy() == year
        start_pos[in_year] = np.searchsorted(days, spells.start.to_numpy(dtype="datetime64[D]")[in_year])
        exit_pos[in_year] = np.searchsorted(days, spells.exit.to_numpy(dtype="datetime64[D]")[in_year])
    n_days = exit_pos - start_pos + 1
    # first line (0-based, header excluded) of each enrolment in its year's file
    row_offset = np.zeros(len(spells), dtype=np.int64)
    for year in pop.calendars:
        in_year = np.flatnonzero(spells.school_year.to_numpy() == year)
        row_offset[in_year] = np.cumsum(n_days[in_year]) - n_days[in_year]
    frame = pd.DataFrame({
        "spell_ordinal": np.arange(len(spells)),
        "start_pos": start_pos,
        "exit_pos": exit_pos,
        "row_offset": row_offset,
        "student_idx": i,
        "school_idx": spells.school_idx.to_numpy(),
        "school_year": spells.school_year.to_numpy(),
        "lea_code": scenario["district"]["lea_code"],
        # integers here print exactly as the text codes (generated codes have no leading zero)
        "school_code": schools.school_code.to_numpy()[spells.school_idx].astype(np.int64),
        "ssid": st.ssid.to_numpy()[i].astype(np.int64),
        "local_student_id": st.local_student_id.to_numpy()[i],

        "absence_propensity": np.clip(propensity, 0, 0.95),
        "unexcused_share": st.unexcused_share.to_numpy()[i],
    })
    con.register("_spells_df", pa.Table.from_pandas(frame, preserve_index=False))
    con.register("_suspension_df", pa.Table.from_pandas(suspension_days, preserve_index=False))
    con.execute("""
        create or replace table att_spells as
        with suspension_lists as (
            select student_idx, school_idx,
                   coalesce(list(strftime(date, '%Y%m%d')::integer) filter (where code = 'S'), []) as oss_dates,
                   coalesce(list(strftime(date, '%Y%m%d')::integer) filter (where code = 'N'), []) as iss_dates,
            from _suspension_df
            group by all
        )
        select s.*,
               coalesce(l.oss_dates, []::integer[]) as oss_dates,
               coalesce(l.iss_dates, []::integer[]) as iss_dates,
        from _spells_df as s
        left join suspension_lists as l using (student_idx, school_idx)
        order by s.spell_ordinal
    """)
    con.unregister("_spells_df")
    con.unregister("_suspension_df")


def daily_sql(pop: Population, scenario: dict, seed: int, school_year: int) -> str:
    """One row per student, school and instructional day, with its line ordinal `_ordinal`.

    An enrolment covers a contiguous slice of the calendar, so the rows come from a list
    slice and the ordinal is arithmetic (no sort, no window). The calendar list carries
    each date as a CCYYMMDD integer with its weekday x month factor; the per-row work is two
    integer hashes and a comparison.
    """
    att = scenario["attendance"]
    days = pop.calendars[school_year]
    weekday = np.array(att["weekday_factors"], dtype=float)
    month = np.array([float(att["month_factors"].get(m, 1.0)) for m in range(1, 13)])
    as_dates = pd.to_datetime(days)
    factors = weekday[as_dates.dayofweek.to_numpy()] * month[as_dates.month.to_numpy() - 1]
    day_list = "[" + ", ".join(f"{{'i': {i}, 'd': {d:%Y%m%d}, 'f': {f:.6f}}}"
                               for i, (d, f) in enumerate(zip(as_dates, factors))) + "]"
    return f"""
        select row_offset + day.i - start_pos + 1 as _ordinal,
               lea_code, school_code, ssid, day.d as attendance_date,
               case
                   when list_contains(oss_dates, day.d) then 'S'
                   when list_contains(iss_dates, day.d) then 'N'
                   when u_absent < absence_propensity * day.f then
                       case
                           when u_kind < unexcused_share * 0.75 then 'U'
                           when u_kind < unexcused_share then 'X'
                           when u_kind < unexcused_share + (1 - unexcused_share) * 0.68 then 'I'
                           when u_kind < unexcused_share + (1 - unexcused_share) * 0.97 then 'E'
                           else 'J'
                       end
                   when u_kind < 0.03 then 'T'
                   when u_kind < 0.032 then 'K'
                   else 'P'
               end as attendance_code
        from (
            select *,
                   hash({seed}, student_idx, day.i, 1)::double / {UNIT} as u_absent,
                   hash({seed}, student_idx, day.i, 2)::double / {UNIT} as u_kind
            from (
                select *, unnest(({day_list})[start_pos + 1:exit_pos + 1]) as day
                from att_spells
                where school_year = {school_year}
            )
        )
    """


def attendance_extract_sql(daily_table: str) -> str:
    return f"""
        select _ordinal, lea_code as reporting_lea, school_code as school_of_attendance, ssid,
               attendance_date, attendance_code
        from {daily_table}
    """


def stas_extract_sql(attendance_relation: str, scenario: dict, seed: int, school_year: int) -> str:
    """STAS rows summed from a relation with the ATTENDANCE extract's columns.

    `local_ids(ssid_number, local_student_id)` supplies the local id, which ATTENDANCE lacks.
    """
    exempt = scenario["attendance"]["exempt_share"]
    return f"""
        with days as (
            select reporting_lea, school_of_attendance, ssid,
                   count(*) as expected,
                   count(*) filter (where attendance_code in ('P', 'T')) as attended,
                   count(*) filter (where attendance_code = 'S') as out_of_school_suspension,
                   count(*) filter (where attendance_code = 'N') as in_school_suspension,
                   count(*) filter (where attendance_code in ('I', 'E')) as excused,
                   count(*) filter (where attendance_code in ('U', 'X')) as unexcused,
                   count(*) filter (where attendance_code = 'J') as independent_study_non_ada,
                   count(*) filter (where attendance_code = 'K') as independent_study_ada,
            from {attendance_relation}
            group by all
        )
        select days.reporting_lea,
               days.school_of_attendance::varchar as school_of_attendance,
               '{contract.academic_year_id(school_year)}' as academic_year_id,
               days.ssid::varchar as ssid,
               local_ids.local_student_id,
               case when hash({seed}, days.ssid, {school_year}, 'exempt')::double / {UNIT} < {exempt} then 'Y' else 'N' end
                   as absence_summary_data_collection_exemption_indicator,
               'N' as hourly_attendance_school_type_indicator,
               expected::varchar as expected_attendance_days,
               attended::varchar as days_attended_in_person,
               out_of_school_suspension::varchar as days_absent_out_of_school_suspension,
               in_school_suspension::varchar as days_in_attendance_in_school_suspension,
               excused::varchar as days_absent_excused_non_suspension,
               unexcused::varchar as days_absent_unexcused_non_suspension,
               independent_study_non_ada::varchar as non_ada_generating_independent_study_days,
               independent_study_ada::varchar as ada_generating_independent_study_days,
        from days
        left join local_ids on local_ids.ssid_number = days.ssid
        order by days.school_of_attendance, days.ssid
    """
