{#-
    The SPRG rows that load: every line of base_calpads__program_memberships without an exclusion
    reason, once (an exact duplicate of an earlier line of the same file is dropped;
    staging_file_reconciliation counts them). Grain: one row per program membership.
-#}

with

base as (
    select * from {{ ref('base_calpads__program_memberships') }}
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
        education_program_code,
        program_start_date,
        program_end_date
    from loaded_lines
)

select * from final
