{#-
    Every line of the ATTENDANCE files, renamed and typed as the extract contract says
    (seeds/contract/extract_columns.csv, read by k12_base_extract), with the reason it cannot reach
    staging (exclusion_reason: quarantined, malformed_line or untyped_value; NULL for
    the rows that can). Text values that fail their type are kept in the `__text`
    columns (only when they failed); row_hash (a hash of all the line's values) lets staging drop exact
    duplicates. A table: the files are parsed once per build. In a daily refresh
    (`k12 refresh`) it is incremental by file: only files it has not loaded (new, or with a
    new fingerprint) are parsed and replace their earlier rows; rows of files no longer in
    the folder are deleted.
    Grain: one row per line of every ATTENDANCE file.
-#}

{{ k12_refreshed_by_file('ATTENDANCE') }}

with

source as (
    {%- if is_incremental() %}
    {{ k12_unloaded_file_relations('ATTENDANCE', this, source('sis', 'attendance')) }}
    {%- else %}
    select * from {{ source('sis', 'attendance') }}
    {%- endif %}
),

{{ k12_base_extract('ATTENDANCE') }}

select * from final
