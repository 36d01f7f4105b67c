{#-
    Suspension Rate (Dashboard; CDE suspratecal.asp) per student:
    - denominator: cumulative enrolment (enrolled at least one day; status 10, 20 or 30, not a
      no-show) in a grade of var k12:suspension_grade_levels (TK-12), at the school, and in
      the LEA;
    - numerator: the student's suspension days (in-school 110 and out-of-school 100 results,
      incident_result_duration_days) summed over the year reach var
      k12:suspension_min_aggregate_days (1.0: 0.5 + 0.3 + 0.1 = 0.9 is not counted) at the
      school (incidents of that school) or in the LEA (all its schools). Expulsions and other
      means of correction are not suspensions.
-#}

with

school_enrollments as (
    select * from {{ ref('int_school_enrollments_summarized') }}
    where {{ k12_in_suspension_population() }}
),

lea_enrollments as (
    select * from {{ ref('int_lea_enrollments_summarized') }}
    where {{ k12_in_suspension_population() }}
),

discipline as (
    select * from {{ ref('fct_discipline') }}
    where is_suspension
),

school_suspension_days as (
    select lea_code, school_code, student_id, school_year, sum(coalesce(incident_result_duration_days, 0)) as suspension_days
    from discipline
    group by lea_code, school_code, student_id, school_year
),

lea_suspension_days as (
    select lea_code, student_id, school_year, sum(coalesce(incident_result_duration_days, 0)) as suspension_days
    from discipline
    group by lea_code, student_id, school_year
),

by_entity as (
    select
        'school' as entity_type,
        school_enrollments.lea_code,
        school_enrollments.school_code,
        school_enrollments.student_id,
        school_enrollments.school_year,
        coalesce(school_suspension_days.suspension_days, 0) as suspension_days
    from school_enrollments
    left join school_suspension_days
        on {{ k12_same_school_student_year('school_enrollments', 'school_suspension_days') }}

    union all

    select
        'lea' as entity_type,
        lea_enrollments.lea_code,
        cast(null as {{ dbt.type_string() }}) as school_code,
        lea_enrollments.student_id,
        lea_enrollments.school_year,
        coalesce(lea_suspension_days.suspension_days, 0) as suspension_days
    from lea_enrollments
    left join lea_suspension_days
        on {{ k12_same_student_year('lea_enrollments', 'lea_suspension_days') }}
),

final as (
    select
        {{ k12_indicator_row(
            indicator_code="'SUSP'",
            numerator_value="suspension_days >= " ~ var('k12:suspension_min_aggregate_days')
        ) }}
    from by_entity
)

select * from final
