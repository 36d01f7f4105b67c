{#-
    The SIRS rows that load: every line of base_calpads__incident_results without an exclusion
    reason, once (an exact duplicate of an earlier line of the same file is dropped;
    staging_file_reconciliation counts them). Grain: one row per incident result (student x incident x result).
-#}

with

base as (
    select * from {{ ref('base_calpads__incident_results') }}
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
        incident_id,
        incident_result_code,
        incident_result_authority_code,
        incident_result_duration_days,
        incident_result_modification_code
    from loaded_lines
)

select * from final
