{#-
    Every line of the SINF files, renamed and typed, with the reason it cannot reach
    staging (exclusion_reason: quarantined, malformed_line or untyped_value; NULL for
    the rows that can). Text values that fail their type are kept in the `__text`
    columns (only when they failed); row_hash (a hash of all the line's values) lets staging drop exact
    duplicates. A table: the files are parsed once per build.
    Grain: one row per line of every SINF file.
-#}

with

source as (
    select * from {{ source('calpads', 'sinf') }}
),

quarantined_lines as (
    {{ k12_quarantined_lines() }}
),

code_aliases as (
    select * from {{ ref('code_aliases') }}
),

gender_code_aliases as (
    select local_code, code from code_aliases where code_set = 'gender_codes'
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
        {{ k12_parse_date('source.effective_start_date') }} as effective_start_date,
        source.effective_start_date as effective_start_date__text,
        {{ k12_parse_date('source.effective_end_date') }} as effective_end_date,
        source.effective_end_date as effective_end_date__text,
        source.student_legal_first_name as student_first_name,
        source.student_legal_last_name as student_last_name,
        {{ k12_parse_date('source.student_birth_date') }} as birth_date,
        source.student_birth_date as birth_date__text,
        coalesce(gender_code_aliases.code, upper(source.student_gender_code)) as gender_code,
        case upper(source.hispanic_ethnicity_indicator) when 'Y' then true when 'N' then false end as is_hispanic,
        source.hispanic_ethnicity_indicator as is_hispanic__text,
        upper(source.race_1_code) as race_1_code,
        upper(source.race_2_code) as race_2_code,
        upper(source.race_3_code) as race_3_code,
        upper(source.race_4_code) as race_4_code,
        upper(source.race_5_code) as race_5_code,
        {{ k12_parse_date('source.student_initial_us_school_enrollment_date_k_12') }} as initial_us_school_enrollment_date,
        source.student_initial_us_school_enrollment_date_k_12 as initial_us_school_enrollment_date__text,
        upper(source.parent_guardian_1_highest_education_level_code) as parent_1_education_level_code,
        upper(source.parent_guardian_2_highest_education_level_code) as parent_2_education_level_code,
        {{ k12_row_hash(['source.reporting_lea', 'source.school_of_attendance', 'source.ssid', 'source.local_student_id', 'source.effective_start_date', 'source.effective_end_date', 'source.student_legal_first_name', 'source.student_legal_last_name', 'source.student_birth_date', 'source.student_gender_code', 'source.hispanic_ethnicity_indicator', 'source.race_1_code', 'source.race_2_code', 'source.race_3_code', 'source.race_4_code', 'source.race_5_code', 'source.student_initial_us_school_enrollment_date_k_12', 'source.parent_guardian_1_highest_education_level_code', 'source.parent_guardian_2_highest_education_level_code']) }} as row_hash
    from source
    left join gender_code_aliases
        on upper(source.student_gender_code) = gender_code_aliases.local_code
),

checked as (
    select
        typed.*,
        {{ k12_untyped_columns(['effective_start_date', 'effective_end_date', 'birth_date', 'is_hispanic', 'initial_us_school_enrollment_date']) }} as untyped_columns,
        {{ k12_missing_columns(['lea_code', 'ssid', 'effective_start_date']) }} as missing_key_columns,
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
        effective_start_date,
        case when effective_start_date is null then effective_start_date__text end as effective_start_date__text,
        effective_end_date,
        case when effective_end_date is null then effective_end_date__text end as effective_end_date__text,
        student_first_name,
        student_last_name,
        birth_date,
        case when birth_date is null then birth_date__text end as birth_date__text,
        gender_code,
        is_hispanic,
        case when is_hispanic is null then is_hispanic__text end as is_hispanic__text,
        race_1_code,
        race_2_code,
        race_3_code,
        race_4_code,
        race_5_code,
        initial_us_school_enrollment_date,
        case when initial_us_school_enrollment_date is null then initial_us_school_enrollment_date__text end as initial_us_school_enrollment_date__text,
        parent_1_education_level_code,
        parent_2_education_level_code,
        row_hash,
        untyped_columns,
        missing_key_columns,
        is_quarantined,
        {{ k12_exclusion_reason('is_quarantined', 'is_malformed_line', 'untyped_columns', 'missing_key_columns') }} as exclusion_reason
    from checked
)

select * from final
