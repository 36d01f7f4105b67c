{#-
    Chronic Absenteeism (Dashboard; 2025 Chronic Absenteeism guide) per student, from the
    CALPADS absence summary (STAS) rows of fct_chronic_absence_students, which applies the
    rules to each student at each school (macros in k12_chronic_absence.sql):
    - counted: a primary or short-term enrolment at the school, a grade of var
      k12:chronic_absence_grade_levels (TK-8), a record that is not exempt;
    - school: eligible when expected attendance days >= var
      k12:chronic_absence_min_expected_days (31) at the school;
    - LEA: the student's counted schools summed; eligible when the sum reaches 31 days;
    - chronically absent: absence days (OSS + excused + unexcused + non-ADA independent
      study; never in-school suspension) / expected days >= var k12:chronic_absence_threshold
      (0.10: exactly 10% is chronic; 9.99% is not).
    Every indicator's student model has the same columns (macro k12_indicator_row).
    Grain: one row per student x entity (school, LEA) x school year.
-#}

with

chronic_absence as (
    select * from {{ ref('fct_chronic_absence_students') }}
    where measure_source = 'stas'
        and is_in_dashboard_grade_span
),

by_entity as (
    select
        'school' as entity_type,
        lea_code,
        school_code,
        student_year_id,
        school_year,
        is_eligible_at_school as is_eligible,
        is_chronically_absent
    from chronic_absence

    union all

    select
        'lea' as entity_type,
        lea_code,
        cast(null as {{ dbt.type_string() }}) as school_code,
        student_year_id,
        school_year,
        {{ k12_chronic_absence_is_eligible('sum(expected_attendance_days)') }} as is_eligible,
        {{ k12_is_chronically_absent('sum(absence_days_for_chronic_absenteeism)', 'sum(expected_attendance_days)') }}
            as is_chronically_absent
    from chronic_absence
    group by lea_code, student_year_id, school_year
),

final as (
    select
        {{ k12_indicator_row(
            indicator_code="'CHRO'",
            student_year_id='student_year_id',
            numerator_value='is_chronically_absent'
        ) }}
    from by_entity
    where is_eligible
)

select * from final
