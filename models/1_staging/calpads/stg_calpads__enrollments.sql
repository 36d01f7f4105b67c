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
        {{ k12_staged_columns('SENR') }}
    from loaded_lines
)

select * from final
