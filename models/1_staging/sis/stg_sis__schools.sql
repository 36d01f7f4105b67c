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
        {{ k12_staged_columns('SCHOOLS') }}
    from loaded_lines
)

select * from final
