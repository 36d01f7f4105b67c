{#-
    Each student's chronic absence measures at each school (2025 Dashboard Chronic
    Absenteeism guide), from the absence summaries of fct_attendance_summary: the rows the
    Dashboard indicator (CHRO) counts and the chronic absence notebook reads, so both apply
    the same rules (macros k12_chronic_absence_is_eligible, k12_is_chronically_absent,
    k12_in_chronic_absence_grade_span):
    - a summary counts when the student has a primary or short-term enrolment at the school
      (fct_school_enrollment_summary), it is not exempt (STAS) and expects at least one day;
      two summaries of a student at a school in a year are summed;
    - every grade TK-12 is here; is_in_dashboard_grade_span marks the Dashboard's grades
      (var k12:chronic_absence_grade_levels, TK-8);
    - is_eligible_at_school: expected days >= var k12:chronic_absence_min_expected_days (31);
    - is_chronically_absent: absence days / expected days >= var k12:chronic_absence_threshold
      (exactly 10% is chronic). The LEA rule (a student's counted schools summed) is CHRO's.
    A view, so it follows fct_attendance_summary through a daily refresh.
    Grain: one row per student x school x school year x measure source (stas, daily_attendance).
-#}

{{ config(materialized='view') }}

with

absence_summaries as (
    -- a summary that is not exempt (STAS) and expects at least one day
    select * from {{ ref('fct_attendance_summary') }}
    where not is_exempt_from_absence_summary
        and expected_attendance_days > 0
),

school_enrollments as (
    -- a primary or short-term enrolment at the school
    select * from {{ ref('fct_school_enrollment_summary') }}
    where has_primary_or_short_term_enrollment
),

counted_summaries as (
    -- two summaries of a student at a school in a year are summed
    select
        absence_summaries.student_id,
        absence_summaries.student_year_id,
        absence_summaries.lea_code,
        absence_summaries.school_code,
        absence_summaries.school_key,
        absence_summaries.school_year,
        absence_summaries.measure_source,
        school_enrollments.grade_level_code,
        sum(absence_summaries.expected_attendance_days) as expected_attendance_days,
        sum(absence_summaries.absence_days_for_chronic_absenteeism) as absence_days_for_chronic_absenteeism
    from absence_summaries
    inner join school_enrollments
        on absence_summaries.school_key = school_enrollments.school_key
        and absence_summaries.student_year_id = school_enrollments.student_year_id
    group by absence_summaries.student_id, absence_summaries.student_year_id, absence_summaries.lea_code,
        absence_summaries.school_code, absence_summaries.school_key, absence_summaries.school_year,
        absence_summaries.measure_source, school_enrollments.grade_level_code
),

final as (
    select
        {{ k12_surrogate_key(['student_id', 'school_key', 'school_year', 'measure_source']) }} as chronic_absence_student_id,
        student_id,
        student_year_id,
        lea_code,
        school_code,
        school_key,
        school_year,
        measure_source,
        grade_level_code,
        {{ k12_in_chronic_absence_grade_span('grade_level_code') }} as is_in_dashboard_grade_span,
        expected_attendance_days,
        absence_days_for_chronic_absenteeism,
        absence_days_for_chronic_absenteeism / expected_attendance_days as absence_rate,
        {{ k12_chronic_absence_days_at_threshold('expected_attendance_days') }} as absence_days_at_threshold,
        {{ k12_chronic_absence_is_eligible('expected_attendance_days') }} as is_eligible_at_school,
        {{ k12_is_chronically_absent('absence_days_for_chronic_absenteeism', 'expected_attendance_days') }}
            as is_chronically_absent
    from counted_summaries
)

select * from final
