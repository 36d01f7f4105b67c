{#-
    Every line of the SELA files, renamed and typed, with the reason it cannot reach
    staging (exclusion_reason: quarantined, malformed_line or untyped_value; NULL for
    the rows that can). Text values that fail their type are kept in the `__text`
    columns (only when they failed); row_hash (a hash of all the line's values) lets staging drop exact
    duplicates. A table: the files are parsed once per build.
    Grain: one row per line of every SELA file.
-#}

with

source as (
    select * from {{ source('calpads', 'sela') }}
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
        source.local_student_id as local_student_id,
        upper(source.english_language_acquisition_status_code) as elas_code,
        {{ k12_parse_date('source.english_language_acquisition_status_start_date') }} as elas_start_date,
        source.english_language_acquisition_status_start_date as elas_start_date__text,
        source.primary_language_code as primary_language_code,
        {{ k12_row_hash(['source.reporting_lea', 'source.school_of_attendance', 'source.ssid', 'source.local_student_id', 'source.english_language_acquisition_status_code', 'source.english_language_acquisition_status_start_date', 'source.primary_language_code']) }} as row_hash
    from source
),

checked as (
    select
        typed.*,
        {{ k12_untyped_columns(['elas_start_date']) }} as untyped_columns,
        {{ k12_missing_columns(['lea_code', 'ssid', 'elas_start_date']) }} as missing_key_columns,
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
        local_student_id,
        elas_code,
        elas_start_date,
        case when elas_start_date is null then elas_start_date__text end as elas_start_date__text,
        primary_language_code,
        row_hash,
        untyped_columns,
        missing_key_columns,
        is_quarantined,
        {{ k12_exclusion_reason('is_quarantined', 'is_malformed_line', 'untyped_columns', 'missing_key_columns') }} as exclusion_reason
    from checked
)

select * from final
