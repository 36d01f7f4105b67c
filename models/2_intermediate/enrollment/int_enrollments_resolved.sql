{#-
    Enrollment records with the edge cases resolved (2025 Dashboard guide and CALPADS
    rules; see docs/indicators.md):
    - a no-show (exit reason flagged is_no_show: N470, N420) never enrolled;
    - a same-day exit (exit date = start date) is one day of enrolment unless a no-show;
    - a re-entry is a later record of the same student at the same school in the year;
    - a secondary enrollment (status 20) is kept and flagged; it never trims or is trimmed;
    - overlapping primary/short-term records at two schools: the earlier one ends the day
      before the later one starts (effective_exit_date), so a student is counted at one
      school on any day. CALPADS allows one primary enrollment at a time; the later start
      counts, as if the student had transferred (the warn test
      assert_no_overlapping_primary_enrollments lists these records to fix in the SIS);
    - two such records starting on the same day: the one on the later line of SENR counts,
      and the other is superseded (is_superseded_same_day): it has no day, and like a
      no-show it counts nowhere, not even in cumulative enrolment;
    - an open record (no exit date) runs to the end of the school year.
    Grain: one row per loaded SENR record (LEA x school x student x start date x status).
-#}

with

enrollments as (
    select * from {{ ref('stg_calpads__enrollments') }}
),

student_ids as (
    select * from {{ ref('int_student_ids_assigned') }}
),

statuses as (
    select * from {{ ref('enrollment_status_codes') }}
),

exit_reasons as (
    select * from {{ ref('exit_reason_codes') }}
),

completions as (
    select * from {{ ref('completion_status_codes') }}
),

described as (
    select
        enrollments.*,
        student_ids.student_id,
        {{ k12_school_year_start('enrollments.school_year') }} as school_year_start_date,
        {{ k12_school_year_end('enrollments.school_year') }} as school_year_end_date,
        {{ k12_census_day('enrollments.school_year') }} as census_day,
        coalesce(statuses.is_primary_or_short_term, false) as is_primary_or_short_term,
        coalesce(statuses.counts_in_cumulative_enrollment, false) as counts_in_cumulative_enrollment,
        enrollments.enrollment_status_code = '20' as is_secondary_enrollment,
        coalesce(exit_reasons.is_no_show, false) as is_no_show,
        coalesce(exit_reasons.is_transfer_out, false) as is_transfer_out,
        coalesce(completions.is_standard_diploma_graduate, false) as is_standard_diploma_graduate,
        coalesce(completions.is_non_graduate_completer, false) as is_non_graduate_completer
    from enrollments
    left join student_ids
        on {{ k12_same_student('enrollments', 'student_ids', student='ssid') }}
    left join statuses
        on enrollments.enrollment_status_code = statuses.enrollment_status_code
    left join exit_reasons
        on enrollments.exit_reason_code = exit_reasons.exit_reason_code
    left join completions
        on enrollments.completion_status_code = completions.completion_status_code
),

ordered as (
    select
        *,
        coalesce(enrollment_exit_date, school_year_end_date) as exit_or_year_end_date,
        row_number() over (
            partition by lea_code, school_code, ssid, school_year
            order by enrollment_start_date, source_line_number
        ) as record_number_at_school
    from described
),

-- for primary and short-term records that are not no-shows: the student's next such record
next_primary as (
    select
        source_file,
        source_line_number,
        lead(enrollment_start_date) over (
            partition by lea_code, ssid, school_year
            order by enrollment_start_date, source_line_number
        ) as next_primary_start_date,
        lead(school_code) over (
            partition by lea_code, ssid, school_year
            order by enrollment_start_date, source_line_number
        ) as next_primary_school_code
    from ordered
    where is_primary_or_short_term
        and not is_no_show
),

resolved as (
    select
        ordered.*,
        next_primary.next_primary_start_date,
        coalesce(
            next_primary.next_primary_school_code <> ordered.school_code
                and next_primary.next_primary_start_date <= ordered.exit_or_year_end_date,
            false
        ) as overlaps_next_enrollment,
        coalesce(
            next_primary.next_primary_school_code <> ordered.school_code
                and next_primary.next_primary_start_date <= ordered.enrollment_start_date,
            false
        ) as is_superseded_same_day,
        coalesce(ordered.enrollment_start_date = ordered.enrollment_exit_date, false)
            and not ordered.is_no_show as is_same_day_exit,
        ordered.record_number_at_school > 1 as is_re_entry
    from ordered
    left join next_primary
        on ordered.source_file = next_primary.source_file
        and ordered.source_line_number = next_primary.source_line_number
),

final as (
    select
        {{ k12_surrogate_key(['lea_code', 'school_code', 'ssid', 'enrollment_start_date', 'enrollment_status_code']) }} as enrollment_id,
        student_id,
        lea_code,
        school_code,
        ssid,
        school_year,
        grade_level_code,
        enrollment_status_code,
        enrollment_start_date,
        enrollment_exit_date,
        case
            when is_no_show then null
            when overlaps_next_enrollment
                then {{ dbt.dateadd('day', -1, 'next_primary_start_date') }}
            else exit_or_year_end_date
        end as effective_exit_date,
        exit_reason_code,
        completion_status_code,
        has_met_uc_csu_requirements,
        is_primary_or_short_term,
        counts_in_cumulative_enrollment and not is_superseded_same_day as counts_in_cumulative_enrollment,
        is_secondary_enrollment,
        is_no_show,
        is_superseded_same_day,
        is_same_day_exit,
        is_re_entry,
        overlaps_next_enrollment,
        is_transfer_out,
        is_standard_diploma_graduate,
        is_non_graduate_completer,
        school_year_start_date,
        school_year_end_date,
        census_day,
        source_file,
        source_line_number
    from resolved
)

select * from final
