{#-
    The SPED rows that load: every line of base_calpads__special_education_records without an exclusion
    reason, once (an exact duplicate of an earlier line of the same file is dropped;
    staging_file_reconciliation counts them). Grain: one row per special education record.
-#}

with

base as (
    select * from {{ ref('base_calpads__special_education_records') }}
),

{{ k12_loaded_lines('base') }}

final as (
    select
        {{ k12_staged_columns('SPED') }}
    from loaded_lines
)

select * from final
