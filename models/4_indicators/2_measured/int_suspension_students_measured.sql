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

enrollments as (
    select * from {{ ref('int_indicator_enrollments_listed') }}
    where {{ k12_in_suspension_population() }}
),

discipline as (
    select * from {{ ref('fct_discipline') }}
    where is_suspension
),

suspensions as (
    -- each suspension counted at its school and in the LEA
    {{ k12_records_at_entities('discipline') }}
),

by_entity as (
    select
        enrollments.entity_type,
        enrollments.lea_code,
        enrollments.school_code,
        enrollments.student_id,
        enrollments.school_year,
        sum(coalesce(suspensions.incident_result_duration_days, 0)) as suspension_days
    from enrollments
    left join suspensions
        on {{ k12_same_student_year('enrollments', 'suspensions') }}
        and {{ k12_counts_at_entity('enrollments', 'suspensions') }}
    group by enrollments.entity_type, enrollments.lea_code, enrollments.school_code, enrollments.student_id,
        enrollments.school_year
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
