{#-
    A student's enrolment at one school in one school year, from the resolved records.
    Cumulative enrolment (suspension denominator, CALPADS reports): any record with status
    10, 20 or 30 (enrollment_status_codes.counts_in_cumulative_enrollment) that is not a
    no-show, i.e. enrolled at least one day. Grade is the grade of the latest primary or
    short-term record (of any record when there is none).
    Grain: one row per LEA x school x student x school year (no-show-only stays excluded).
-#}

with

enrollments as (
    select * from {{ ref('int_enrollments_resolved') }}
    where not is_no_show
        and not is_superseded_same_day
),

ranked as (
    select
        *,
        row_number() over (
            partition by lea_code, school_code, ssid, school_year
            order by
                case when is_primary_or_short_term then 0 else 1 end,
                enrollment_start_date desc,
                source_line_number desc
        ) as recency_rank
    from enrollments
),

summarized as (
    select
        student_id,
        lea_code,
        school_code,
        ssid,
        school_year,
        min(enrollment_start_date) as first_enrollment_start_date,
        max(effective_exit_date) as last_effective_exit_date,
        max(case when counts_in_cumulative_enrollment then 1 else 0 end) = 1 as is_cumulatively_enrolled,
        max(case when is_primary_or_short_term then 1 else 0 end) = 1 as has_primary_or_short_term_enrollment,
        max(case when is_primary_or_short_term and census_day between enrollment_start_date and effective_exit_date
            then 1 else 0 end) = 1 as is_enrolled_on_census_day,
        sum(case when is_primary_or_short_term and effective_exit_date >= enrollment_start_date
            then {{ dbt.datediff('enrollment_start_date', 'effective_exit_date', 'day') }} + 1 else 0 end)
            as primary_enrollment_calendar_days,
        count(*) as enrollment_record_count,
        max(case when is_re_entry then 1 else 0 end) = 1 as has_re_entry,
        max(case when is_secondary_enrollment then 1 else 0 end) = 1 as has_secondary_enrollment
    from enrollments
    group by student_id, lea_code, school_code, ssid, school_year
),

latest as (
    select
        lea_code,
        school_code,
        ssid,
        school_year,
        grade_level_code,
        exit_reason_code as latest_exit_reason_code,
        completion_status_code as latest_completion_status_code
    from ranked
    where recency_rank = 1
),

final as (
    select
        summarized.*,
        latest.grade_level_code,
        latest.latest_exit_reason_code,
        latest.latest_completion_status_code,
        not summarized.has_primary_or_short_term_enrollment as is_secondary_only
    from summarized
    inner join latest
        on {{ k12_same_school_student_year('summarized', 'latest', student='ssid') }}
)

select * from final
