{#-
    Every line of the SCHOOLS files, renamed and typed, with the reason it cannot reach
    staging (exclusion_reason: quarantined, malformed_line or untyped_value; NULL for
    the rows that can). Text values that fail their type are kept in the `__text`
    columns (only when they failed); row_hash (a hash of all the line's values) lets staging drop exact
    duplicates. A table: the files are parsed once per build.
    Grain: one row per line of every SCHOOLS file.
-#}

with

source as (
    select * from {{ source('sis', 'schools') }}
),

quarantined_lines as (
    {{ k12_quarantined_lines() }}
),

code_aliases as (
    select * from {{ ref('code_aliases') }}
),

low_grade_level_code_aliases as (
    select local_code, code from code_aliases where code_set = 'grade_levels'
),
high_grade_level_code_aliases as (
    select local_code, code from code_aliases where code_set = 'grade_levels'
),

typed as (
    select
        source.source_file,
        source.school_year,
        source.source_line_number,
        source.file_fingerprint,
        source.is_malformed_line,
        source.cds_code as cds_code,
        source.school_name as school_name,
        source.district_name as district_name,
        upper(source.school_type) as school_type_code,
        coalesce(low_grade_level_code_aliases.code, upper(source.low_grade)) as low_grade_level_code,
        coalesce(high_grade_level_code_aliases.code, upper(source.high_grade)) as high_grade_level_code,
        upper(source.lea_type) as lea_type_code,
        {{ k12_row_hash(['source.cds_code', 'source.school_name', 'source.district_name', 'source.school_type', 'source.low_grade', 'source.high_grade', 'source.lea_type']) }} as row_hash
    from source
    left join low_grade_level_code_aliases
        on upper(source.low_grade) = low_grade_level_code_aliases.local_code
    left join high_grade_level_code_aliases
        on upper(source.high_grade) = high_grade_level_code_aliases.local_code
),

checked as (
    select
        typed.*,
        '' as untyped_columns,
        {{ k12_missing_columns(['cds_code']) }} as missing_key_columns,
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
        cds_code,
        school_name,
        district_name,
        school_type_code,
        low_grade_level_code,
        high_grade_level_code,
        lea_type_code,
        row_hash,
        untyped_columns,
        missing_key_columns,
        is_quarantined,
        {{ k12_exclusion_reason('is_quarantined', 'is_malformed_line', 'untyped_columns', 'missing_key_columns') }} as exclusion_reason
    from checked
)

select * from final
