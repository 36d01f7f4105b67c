{#-
    Periods of continuous enrolment: primary and short-term records (no-shows excluded)
    merged when the gap between one record's end and the next one's start is at most
    var k12:continuous_enrollment_max_gap_days calendar days (30; a gap of 31 days breaks
    continuity). Computed separately at school level and at LEA level, as the Dashboard
    does. A student is continuously enrolled from Census Day to a test when one period
    covers both dates.
    Grain: one row per student x school year x level (school or LEA) x entity x period.
-#}

with

enrollments as (
    select * from {{ ref('int_enrollments_resolved') }}
    where is_primary_or_short_term
        and not is_no_show
        and effective_exit_date >= enrollment_start_date
),

levels as (
    -- continuity is computed at each record's school and in the LEA
    select 'school' as entity_level
    union all
    select 'lea' as entity_level
),

records as (
    select
        levels.entity_level,
        case when levels.entity_level = 'school' then enrollments.school_code else enrollments.lea_code end as entity_code,
        enrollments.student_id,
        enrollments.lea_code,
        enrollments.ssid,
        enrollments.school_year,
        enrollments.enrollment_start_date,
        enrollments.effective_exit_date
    from enrollments
    cross join levels
),

with_previous_end as (
    select
        *,
        max(effective_exit_date) over (
            partition by entity_level, entity_code, lea_code, ssid, school_year
            order by enrollment_start_date, effective_exit_date
            rows between unbounded preceding and 1 preceding
        ) as previous_end_date
    from records
),

numbered as (
    select
        *,
        sum(
            case
                when previous_end_date is null then 1
                when {{ dbt.datediff('previous_end_date', 'enrollment_start_date', 'day') }} - 1
                    > {{ var('k12:continuous_enrollment_max_gap_days') }} then 1
                else 0
            end
        ) over (
            partition by entity_level, entity_code, lea_code, ssid, school_year
            order by enrollment_start_date, effective_exit_date
            rows between unbounded preceding and current row
        ) as period_number
    from with_previous_end
),

final as (
    select
        entity_level,
        entity_code,
        student_id,
        lea_code,
        ssid,
        school_year,
        period_number,
        min(enrollment_start_date) as period_start_date,
        max(effective_exit_date) as period_end_date
    from numbered
    group by entity_level, entity_code, student_id, lea_code, ssid, school_year, period_number
)

select * from final
