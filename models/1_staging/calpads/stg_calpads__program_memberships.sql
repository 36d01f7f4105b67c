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
        {{ k12_staged_columns('SPRG') }}
    from loaded_lines
)

select * from final
