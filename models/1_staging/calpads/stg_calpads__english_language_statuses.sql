{#-
    The SELA rows that load: every line of base_calpads__english_language_statuses without an exclusion
    reason, once (an exact duplicate of an earlier line of the same file is dropped;
    staging_file_reconciliation counts them). Grain: one row per English language acquisition status record.
-#}

with

base as (
    select * from {{ ref('base_calpads__english_language_statuses') }}
),

{{ k12_loaded_lines('base') }}

final as (
    select
        {{ k12_staged_columns('SELA') }}
    from loaded_lines
)

select * from final
