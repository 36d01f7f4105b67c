{#-
    The SCHOOLS rows that load: every line of base_sis__schools without an exclusion
    reason, once (an exact duplicate of an earlier line of the same file is dropped;
    staging_file_reconciliation counts them). Grain: one row per school directory entry.
-#}

with

base as (
    select * from {{ ref('base_sis__schools') }}
),

{{ k12_loaded_lines('base') }}

final as (
    select
        source_file,
        school_year,
        source_line_number,
        cds_code,
        school_name,
        district_name,
        school_type_code,
        low_grade_level_code,
        high_grade_level_code,
        lea_type_code
    from loaded_lines
)

select * from final
