with

enrollments as (
    select * from {{ ref('int_enrollments_resolved') }}
),

final as (
    select
        enrollment_id,
        {{ k12_fact_keys('student_id') }},
        grade_level_code,
        enrollment_status_code,
        enrollment_start_date,
        enrollment_exit_date,
        effective_exit_date,
        case
            when effective_exit_date >= enrollment_start_date
                then {{ dbt.datediff('enrollment_start_date', 'effective_exit_date', 'day') }} + 1
            else 0
        end as enrolled_calendar_days,
        exit_reason_code,
        completion_status_code,
        has_met_uc_csu_requirements,
        is_primary_or_short_term,
        counts_in_cumulative_enrollment,
        is_secondary_enrollment,
        is_no_show,
        is_superseded_same_day,
        is_same_day_exit,
        is_re_entry,
        overlaps_next_enrollment,
        is_transfer_out,
        is_standard_diploma_graduate,
        is_non_graduate_completer,
        not is_no_show and is_primary_or_short_term
            and census_day between enrollment_start_date and effective_exit_date as is_enrolled_on_census_day
    from enrollments
)

select * from final
