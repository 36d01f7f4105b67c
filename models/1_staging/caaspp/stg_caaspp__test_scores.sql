{#-
    The CAASPP rows that load: every line of base_caaspp__test_scores without an exclusion
    reason, once (an exact duplicate of an earlier line of the same file is dropped;
    staging_file_reconciliation counts them). Grain: one row per test record (student x test).
-#}

with

base as (
    select * from {{ ref('base_caaspp__test_scores') }}
),

{{ k12_loaded_lines('base') }}

final as (
    select
        {{ k12_staged_columns('CAASPP') }}
    from loaded_lines
)

select * from final
