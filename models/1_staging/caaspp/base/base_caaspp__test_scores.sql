{#-
    Every line of the CAASPP files, renamed and typed, with the reason it cannot reach
    staging (exclusion_reason: quarantined, malformed_line or untyped_value; NULL for
    the rows that can). Text values that fail their type are kept in the `__text`
    columns (only when they failed); row_hash (a hash of all the line's values) lets staging drop exact
    duplicates. A table: the files are parsed once per build.
    Grain: one row per line of every CAASPP file.
-#}

with

source as (
    select * from {{ source('caaspp', 'caaspp') }}
),

quarantined_lines as (
    {{ k12_quarantined_lines() }}
),

code_aliases as (
    select * from {{ ref('code_aliases') }}
),

caaspp_record_type_aliases as (
    select local_code, code from code_aliases where code_set = 'caaspp_record_types'
),
grade_assessed_code_aliases as (
    select local_code, code from code_aliases where code_set = 'grade_levels'
),

typed as (
    select
        source.source_file,
        source.school_year,
        source.source_line_number,
        source.file_fingerprint,
        source.is_malformed_line,
        coalesce(caaspp_record_type_aliases.code, upper(source.record_type)) as caaspp_record_type,
        source.ssid as ssid,
        coalesce(grade_assessed_code_aliases.code, upper(source.grade_assessed)) as grade_assessed_code,
        source.calpads_district_code as lea_code,
        source.calpads_school_code as school_code,
        {{ k12_parse_date('source.test_start_date') }} as test_start_date,
        source.test_start_date as test_start_date__text,
        {{ k12_parse_date('source.test_completed_date') }} as test_completed_date,
        source.test_completed_date as test_completed_date__text,
        upper(source.condition_code) as condition_code,
        upper(source.include_indicator) as include_indicator,
        {{ k12_to_number('source.scale_score', 'integer') }} as scale_score,
        source.scale_score as scale_score__text,
        upper(source.achievement_level) as achievement_level,
        {{ k12_row_hash(['source.record_type', 'source.ssid', 'source.grade_assessed', 'source.calpads_district_code', 'source.calpads_school_code', 'source.test_start_date', 'source.test_completed_date', 'source.condition_code', 'source.include_indicator', 'source.scale_score', 'source.achievement_level']) }} as row_hash
    from source
    left join caaspp_record_type_aliases
        on upper(source.record_type) = caaspp_record_type_aliases.local_code
    left join grade_assessed_code_aliases
        on upper(source.grade_assessed) = grade_assessed_code_aliases.local_code
),

checked as (
    select
        typed.*,
        {{ k12_untyped_columns(['test_start_date', 'test_completed_date', 'scale_score']) }} as untyped_columns,
        {{ k12_missing_columns(['lea_code', 'ssid', 'caaspp_record_type']) }} as missing_key_columns,
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
        caaspp_record_type,
        ssid,
        grade_assessed_code,
        lea_code,
        school_code,
        test_start_date,
        case when test_start_date is null then test_start_date__text end as test_start_date__text,
        test_completed_date,
        case when test_completed_date is null then test_completed_date__text end as test_completed_date__text,
        condition_code,
        include_indicator,
        scale_score,
        case when scale_score is null then scale_score__text end as scale_score__text,
        achievement_level,
        row_hash,
        untyped_columns,
        missing_key_columns,
        is_quarantined,
        {{ k12_exclusion_reason('is_quarantined', 'is_malformed_line', 'untyped_columns', 'missing_key_columns') }} as exclusion_reason
    from checked
)

select * from final
