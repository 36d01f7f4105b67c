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
        {{ k12_staged_columns('SIRS') }}
    from loaded_lines
)

select * from final
