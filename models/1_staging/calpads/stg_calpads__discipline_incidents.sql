{#-
    The SINC rows that load: every line of base_calpads__discipline_incidents without an exclusion
    reason, once (an exact duplicate of an earlier line of the same file is dropped;
    staging_file_reconciliation counts them). Grain: one row per discipline incident.
-#}

with

base as (
    select * from {{ ref('base_calpads__discipline_incidents') }}
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
        incident_id,
        incident_date,
        incident_location
    from loaded_lines
)

select * from final
