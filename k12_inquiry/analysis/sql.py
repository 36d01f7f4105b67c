"""SQL fragments shared by the analysis modules (DuckDB dialect: they run on the warehouse
file, not inside dbt, so DuckDB-only syntax such as `first(... order by ...)` is fine).

Parameters are named (`$school_year`, `$school_key`, `$focus_group`) and bound by
`Warehouse.query`; `$school_key` NULL means every school of the LEA.
"""

SCHOOL_ENROLLMENTS_CTE = """
school_enrollments as (
    -- a student's enrolment at one school in one year, as the indicators count it
    -- (mart fct_school_enrollment_summary: cumulative enrolment, primary or short-term, grade)
    select
        student_year_id,
        student_id,
        school_key,
        school_year,
        is_cumulatively_enrolled,
        has_primary_or_short_term_enrollment,
        grade_level_code
    from marts.fct_school_enrollment_summary
    where school_year = $school_year
        and ($school_key is null or school_key = $school_key)
)
"""

FOCUS_MEMBERS_CTE = """
focus_members as (
    -- students of the focus group this year (rules of the non-academic indicators)
    select distinct student_year_id
    from marts.bridge_student_group
    where school_year = $school_year
        and student_group_code = $focus_group
        and applies_to_other_indicators
)
"""

GROUP_MEMBERSHIPS_CTE = """
group_memberships as (
    -- every Dashboard group a student-year belongs to (non-academic rules), incl. ALL
    select bridge.student_year_id, bridge.student_group_code, groups.student_group_name, groups.sort_order,
           groups.student_group_category
    from marts.bridge_student_group as bridge
    inner join marts.dim_student_group as groups
        on bridge.student_group_code = groups.student_group_code
    where bridge.school_year = $school_year
        and bridge.applies_to_other_indicators
        and not groups.is_informational
)
"""
