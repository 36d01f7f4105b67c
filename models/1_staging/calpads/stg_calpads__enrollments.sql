{#-
    The SENR rows that load: every line of base_calpads__enrollments without an exclusion
    reason, once (an exact duplicate of an earlier line of the same file is dropped;
    staging_file_reconciliation counts them). Grain: one row per enrollment record.
-#}

with

base as (
    select * from {{ ref('base_calpads__enrollments') }}
),

{{ k12_loaded_lines('base') }}

final as (
    select
        source_file,
        school_year,
        source_line_number,
        lea_code,
        school_code,
        academic_year_id,
        ssid,
        local_student_id,
        student_first_name,
        student_last_name,
        birth_date,
        gender_code,
        enrollment_start_date,
        enrollment_status_code,
        grade_level_code,
        enrollment_exit_date,
        exit_reason_code,
        completion_status_code,
        has_met_uc_csu_requirements
    from loaded_lines
)

select * from final
