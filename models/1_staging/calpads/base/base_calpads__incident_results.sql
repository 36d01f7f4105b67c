{#-
    Every line of the SIRS files, renamed and typed, with the reason it cannot reach
    staging (exclusion_reason: quarantined, malformed_line or untyped_value; NULL for
    the rows that can). Text values that fail their type are kept in the `__text`
    columns (only when they failed); row_hash (a hash of all the line's values) lets staging drop exact
    duplicates. A table: the files are parsed once per build.
    Grain: one row per line of every SIRS file.
-#}

with

source as (
    select * from {{ source('calpads', 'sirs') }}
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
        source.academic_year_id as academic_year_id,
        source.ssid as ssid,
        source.local_student_id as local_student_id,
        source.incident_id_local as incident_id,
        upper(source.incident_result_code) as incident_result_code,
        source.incident_result_authority_code as incident_result_authority_code,
        {{ k12_to_number('source.incident_result_duration_days') }} as incident_result_duration_days,
        source.incident_result_duration_days as incident_result_duration_days__text,
        source.incident_result_modification_code as incident_result_modification_code,
        {{ k12_row_hash(['source.reporting_lea', 'source.school_of_attendance', 'source.academic_year_id', 'source.ssid', 'source.local_student_id', 'source.incident_id_local', 'source.incident_result_code', 'source.incident_result_authority_code', 'source.incident_result_duration_days', 'source.incident_result_modification_code']) }} as row_hash
    from source
),

checked as (
    select
        typed.*,
        {{ k12_untyped_columns(['incident_result_duration_days']) }} as untyped_columns,
        {{ k12_missing_columns(['lea_code', 'school_code', 'incident_id', 'ssid', 'incident_result_code']) }} as missing_key_columns,
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
        academic_year_id,
        ssid,
        local_student_id,
        incident_id,
        incident_result_code,
        incident_result_authority_code,
        incident_result_duration_days,
        case when incident_result_duration_days is null then incident_result_duration_days__text end as incident_result_duration_days__text,
        incident_result_modification_code,
        row_hash,
        untyped_columns,
        missing_key_columns,
        is_quarantined,
        {{ k12_exclusion_reason('is_quarantined', 'is_malformed_line', 'untyped_columns', 'missing_key_columns') }} as exclusion_reason
    from checked
)

select * from final
