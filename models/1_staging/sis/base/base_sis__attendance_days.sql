{#-
    Every line of the ATTENDANCE files, renamed and typed, with the reason it cannot reach
    staging (exclusion_reason: quarantined, malformed_line or untyped_value; NULL for
    the rows that can). Text values that fail their type are kept in the `__text`
    columns (only when they failed); row_hash (a hash of all the line's values) lets staging drop exact
    duplicates. A table: the files are parsed once per build. In a daily refresh
    (`k12 refresh`) it is incremental by file: only files it has not loaded (new, or with a
    new fingerprint) are parsed and replace their earlier rows; rows of files no longer in
    the folder are deleted.
    Grain: one row per line of every ATTENDANCE file.
-#}

{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='source_file',
    full_refresh=k12_full_refresh_unless_daily(),
    post_hook="{{ k12_delete_removed_files('ATTENDANCE') }}",
    tags=['daily_refresh'],
) }}

with

source as (
    {%- if is_incremental() %}
    {{ k12_unloaded_file_relations('ATTENDANCE', this, source('sis', 'attendance')) }}
    {%- else %}
    select * from {{ source('sis', 'attendance') }}
    {%- endif %}
),

quarantined_lines as (
    {{ k12_quarantined_lines() }}
),

typed as (
    select
        source.source_file,
        source.school_year,
        source.source_line_number,
        source.file_fingerprint,
        source.is_malformed_line,
        source.reporting_lea as lea_code,
        source.school_of_attendance as school_code,
        source.ssid as ssid,
        {{ k12_parse_date('source.attendance_date') }} as attendance_date,
        source.attendance_date as attendance_date__text,
        upper(source.attendance_code) as attendance_code,
        {{ k12_row_hash(['source.reporting_lea', 'source.school_of_attendance', 'source.ssid', 'source.attendance_date', 'source.attendance_code']) }} as row_hash
    from source
),

checked as (
    select
        typed.*,
        {{ k12_untyped_columns(['attendance_date']) }} as untyped_columns,
        {{ k12_missing_columns(['lea_code', 'school_code', 'ssid', 'attendance_date']) }} as missing_key_columns,
        quarantined_lines.source_line_number is not null as is_quarantined
    from typed
    left join quarantined_lines
        on typed.source_file = quarantined_lines.source_file
        and typed.source_line_number = quarantined_lines.source_line_number
        and typed.file_fingerprint = quarantined_lines.file_fingerprint
),

final as (
    select
        source_file,
        school_year,
        source_line_number,
        file_fingerprint,
        is_malformed_line,
        lea_code,
        school_code,
        ssid,
        attendance_date,
        case when attendance_date is null then attendance_date__text end as attendance_date__text,
        attendance_code,
        row_hash,
        untyped_columns,
        missing_key_columns,
        is_quarantined,
        {{ k12_exclusion_reason('is_quarantined', 'is_malformed_line', 'untyped_columns', 'missing_key_columns') }} as exclusion_reason
    from checked
)

select * from final
