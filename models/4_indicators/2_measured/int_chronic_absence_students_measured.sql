{#-
    Chronic Absenteeism (Dashboard; 2025 Chronic Absenteeism guide) per student, from the
    CALPADS absence summary (STAS):
    - a STAS record counts when the student has a primary or short-term enrolment at the
      school, in a grade of var k12:chronic_absenteeism_grade_levels (TK-8), and the record
      is not exempt;
    - school: eligible when expected attendance days >= var
      k12:chronic_absenteeism_min_expected_days (31) at the school;
    - LEA: the student's counted records summed; eligible when the sum reaches 31 days;
    - chronically absent: absence days (OSS + excused + unexcused + non-ADA independent
      study; never in-school suspension) / expected days >= var k12:chronic_absence_threshold
      (0.10: exactly 10% is chronic; 9.99% is not).
    Every indicator's student model has the same columns (see int_indicator_students_unioned).
-#}

with

absence_summaries as (
    select * from {{ ref('fct_attendance_summary') }}
    where measure_source = 'stas'
),

school_enrollments as (
    select * from {{ ref('int_school_enrollments_summarized') }}
),

counted_records as (
    -- one row per student and school (two STAS records of a student at a school are summed)
    select
        absence_summaries.student_year_id,
        absence_summaries.lea_code,
        absence_summaries.school_code,
        absence_summaries.school_year,
        sum(absence_summaries.expected_attendance_days) as expected_attendance_days,
        sum(absence_summaries.absence_days_for_chronic_absenteeism) as absence_days_for_chronic_absenteeism
    from absence_summaries
    inner join school_enrollments
        on absence_summaries.lea_code = school_enrollments.lea_code
        and absence_summaries.school_code = school_enrollments.school_code
        and absence_summaries.student_id = school_enrollments.student_id
        and absence_summaries.school_year = school_enrollments.school_year
    where not absence_summaries.is_exempt_from_absence_summary
        and school_enrollments.has_primary_or_short_term_enrollment
        and school_enrollments.grade_level_code in ('{{ var("k12:chronic_absenteeism_grade_levels") | join("', '") }}')
        and absence_summaries.expected_attendance_days > 0
    group by absence_summaries.student_year_id, absence_summaries.lea_code, absence_summaries.school_code,
        absence_summaries.school_year
),

by_entity as (
    select
        'school' as entity_type,
        lea_code,
        school_code,
        student_year_id,
        school_year,
        expected_attendance_days,
        absence_days_for_chronic_absenteeism
    from counted_records

    union all

    select
        'lea' as entity_type,
        lea_code,
        cast(null as {{ dbt.type_string() }}) as school_code,
        student_year_id,
        school_year,
        sum(expected_attendance_days) as expected_attendance_days,
        sum(absence_days_for_chronic_absenteeism) as absence_days_for_chronic_absenteeism
    from counted_records
    group by lea_code, student_year_id, school_year
),

final as (
    select
        {{ k12_indicator_row(
            indicator_code="'CHRO'",
            student_year_id='student_year_id',
            numerator_value="absence_days_for_chronic_absenteeism / expected_attendance_days >= " ~ var('k12:chronic_absence_threshold')
        ) }}
    from by_entity
    where expected_attendance_days >= {{ var('k12:chronic_absenteeism_min_expected_days') }}
)

select * from final
