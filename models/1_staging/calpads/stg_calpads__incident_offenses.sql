{#-
    The SOFF rows that load: every line of base_calpads__incident_offenses without an exclusion
    reason, once (an exact duplicate of an earlier line of the same file is dropped;
    staging_file_reconciliation counts them). Grain: one row per incident offense (student x incident x offense).
-#}

with

base as (
    select * from {{ ref('base_calpads__incident_offenses') }}
),

{{ k12_loaded_lines('base') }}

final as (
    select
        {{ k12_staged_columns('SOFF') }}
    from loaded_lines
)

select * from final
