{#-
    Every line of the SPED files, renamed and typed, with the reason it cannot reach
    staging (exclusion_reason: quarantined, malformed_line or untyped_value; NULL for
    the rows that can). Text values that fail their type are kept in the `__text`
    columns (only when they failed); row_hash (a hash of all the line's values) lets staging drop exact
    duplicates. A table: the files are parsed once per build.
    Grain: one row per line of every SPED file.
-#}

with

source as (
    select * from {{ source('calpads', 'sped') }}
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
        upper(source.primary_disability_category_code) as primary_disability_code,
        {{ k12_parse_date('source.special_education_entry_date') }} as special_education_entry_date,
        source.special_education_entry_date as special_education_entry_date__text,
        {{ k12_parse_date('source.special_education_exit_date') }} as special_education_exit_date,
        source.special_education_exit_date as special_education_exit_date__text,
        source.district_of_special_education_accountability as special_education_accountability_lea_code,
        {{ k12_row_hash(['source.reporting_lea', 'source.school_of_attendance', 'source.ssid', 'source.local_student_id', 'source.primary_disability_category_code', 'source.special_education_entry_date', 'source.special_education_exit_date', 'source.district_of_special_education_accountability']) }} as row_hash
    from source
),

checked as (
    select
        typed.*,
        {{ k12_untyped_columns(['special_education_entry_date', 'special_education_exit_date']) }} as untyped_columns,
        {{ k12_missing_columns(['lea_code', 'ssid', 'special_education_entry_date']) }} as missing_key_columns,
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
        primary_disability_code,
        special_education_entry_date,
        case when special_education_entry_date is null then special_education_entry_date__text end as special_education_entry_date__text,
        special_education_exit_date,
        case when special_education_exit_date is null then special_education_exit_date__text end as special_education_exit_date__text,
        special_education_accountability_lea_code,
        row_hash,
        untyped_columns,
        missing_key_columns,
        is_quarantined,
        {{ k12_exclusion_reason('is_quarantined', 'is_malformed_line', 'untyped_columns', 'missing_key_columns') }} as exclusion_reason
    from checked
)

select * from final
