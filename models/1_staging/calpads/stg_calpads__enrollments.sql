{#-
    The SENR rows that load: every line of base_calpads__enrollments without an exclusion
    reason, once (an exact duplicate of an earlier line of the same file is dropped;
    staging_file_reconciliation counts them). Grain: one row per enrollment record.
-#}

with

base as (
    select * from {{ ref('base_calpads__enrollments') }}
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
        loadable.student_first_name,
        loadable.student_last_name,
        loadable.birth_date,
        loadable.gender_code,
        loadable.enrollment_start_date,
        loadable.enrollment_status_code,
        loadable.grade_level_code,
        loadable.enrollment_exit_date,
        loadable.exit_reason_code,
        loadable.completion_status_code,
        loadable.has_met_uc_csu_requirements
    from loadable
    left join duplicate_groups
        on loadable.source_file = duplicate_groups.source_file
        and loadable.row_hash = duplicate_groups.row_hash
    where duplicate_groups.row_hash is null
        or loadable.source_line_number = duplicate_groups.first_source_line_number
)

select * from final
