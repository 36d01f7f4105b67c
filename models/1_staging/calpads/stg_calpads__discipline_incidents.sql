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
        {{ k12_staged_columns('SINC') }}
    from loaded_lines
)

select * from final
