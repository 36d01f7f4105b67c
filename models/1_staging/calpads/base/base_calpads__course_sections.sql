{#-
    Every line of the CRSC files, renamed and typed as the extract contract says
    (seeds/contract/extract_columns.csv, read by k12_base_extract), with the reason it cannot reach
    staging (exclusion_reason: quarantined, malformed_line or untyped_value; NULL for
    the rows that can). Text values that fail their type are kept in the `__text`
    columns (only when they failed); row_hash (a hash of all the line's values) lets staging drop exact
    duplicates. A table: the files are parsed once per build.
    Grain: one row per line of every CRSC file.
-#}

with

source as (
    select * from {{ source('calpads', 'crsc') }}
),

{{ k12_base_extract('CRSC') }}

select * from final
