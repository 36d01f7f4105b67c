{#-
    The SPED rows that load: every line of base_calpads__special_education_records without an exclusion
    reason, once (an exact duplicate of an earlier line of the same file is dropped;
    staging_file_reconciliation counts them). Grain: one row per special education record.
-#}

with

base as (
    select * from {{ ref('base_calpads__special_education_records') }}
),

{{ k12_loaded_lines('base') }}

final as (
    select
        source_file,
        school_year,
        source_line_number,
        lea_code,
        school_code,
        ssid,
        local_student_id,
        primary_disability_code,
        special_education_entry_date,
        special_education_exit_date,
        special_education_accountability_lea_code
    from loaded_lines
)

select * from final
