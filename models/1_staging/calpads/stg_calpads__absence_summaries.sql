{#-
    The STAS rows that load: every line of base_calpads__absence_summaries without an exclusion
    reason, once (an exact duplicate of an earlier line of the same file is dropped;
    staging_file_reconciliation counts them). Grain: one row per absence summary (student x school x year).
-#}

with

base as (
    select * from {{ ref('base_calpads__absence_summaries') }}
),

loadable as (
    select * from base
    where exclusion_reason is null
),

{{ k12_duplicate_groups_cte('loadable') }}

final as (
    select
        loadable.source_file,
        loadable.school_year,
        loadable.source_line_number,
        loadable.lea_code,
        loadable.school_code,
        loadable.academic_year_id,
        loadable.ssid,
        loadable.local_student_id,
        loadable.is_exempt_from_absence_summary,
        loadable.is_hourly_attendance_school,
        loadable.expected_attendance_days,
        loadable.days_attended_in_person,
        loadable.days_absent_out_of_school_suspension,
        loadable.days_in_school_suspension,
        loadable.days_absent_excused,
        loadable.days_absent_unexcused,
        loadable.days_independent_study_non_ada,
        loadable.days_independent_study_ada
    from loadable
    left join duplicate_groups
        on loadable.source_file = duplicate_groups.source_file
        and loadable.row_hash = duplicate_groups.row_hash
    where duplicate_groups.row_hash is null
        or loadable.source_line_number = duplicate_groups.first_source_line_number
)

select * from final
