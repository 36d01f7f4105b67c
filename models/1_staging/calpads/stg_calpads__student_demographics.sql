{#-
    The SINF rows that load: every line of base_calpads__student_demographics without an exclusion
    reason, once (an exact duplicate of an earlier line of the same file is dropped;
    staging_file_reconciliation counts them). Grain: one row per student information (demographics) record.
-#}

with

base as (
    select * from {{ ref('base_calpads__student_demographics') }}
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
        loadable.ssid,
        loadable.local_student_id,
        loadable.effective_start_date,
        loadable.effective_end_date,
        loadable.student_first_name,
        loadable.student_last_name,
        loadable.birth_date,
        loadable.gender_code,
        loadable.is_hispanic,
        loadable.race_1_code,
        loadable.race_2_code,
        loadable.race_3_code,
        loadable.race_4_code,
        loadable.race_5_code,
        loadable.initial_us_school_enrollment_date,
        loadable.parent_1_education_level_code,
        loadable.parent_2_education_level_code
    from loadable
    left join duplicate_groups
        on loadable.source_file = duplicate_groups.source_file
        and loadable.row_hash = duplicate_groups.row_hash
    where duplicate_groups.row_hash is null
        or loadable.source_line_number = duplicate_groups.first_source_line_number
)

select * from final
