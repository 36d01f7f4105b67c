{#-
    Every line of the SENR files, renamed and typed, with the reason it cannot reach
    staging (exclusion_reason: quarantined, malformed_line or untyped_value; NULL for
    the rows that can). Text values that fail their type are kept in the `__text`
    columns (only when they failed); row_hash (a hash of all the line's values) lets staging drop exact
    duplicates. A table: the files are parsed once per build.
    Grain: one row per line of every SENR file.
-#}

with

source as (
    select * from {{ source('calpads', 'senr') }}
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
grade_level_code_aliases as (
    select local_code, code from code_aliases where code_set = 'grade_levels'
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
        source.student_legal_first_name as student_first_name,
        source.student_legal_last_name as student_last_name,
        {{ k12_parse_date('source.student_birth_date') }} as birth_date,
        source.student_birth_date as birth_date__text,
        coalesce(gender_code_aliases.code, upper(source.student_gender_code)) as gender_code,
        {{ k12_parse_date('source.enrollment_start_date') }} as enrollment_start_date,
        source.enrollment_start_date as enrollment_start_date__text,
        upper(source.enrollment_status_code) as enrollment_status_code,
        coalesce(grade_level_code_aliases.code, upper(source.grade_level_code)) as grade_level_code,
        {{ k12_parse_date('source.enrollment_exit_date') }} as enrollment_exit_date,
        source.enrollment_exit_date as enrollment_exit_date__text,
        upper(source.student_exit_reason_code) as exit_reason_code,
        upper(source.student_school_completion_status) as completion_status_code,
        case upper(source.student_met_all_uc_csu_requirements_indicator) when 'Y' then true when 'N' then false end as has_met_uc_csu_requirements,
        source.student_met_all_uc_csu_requirements_indicator as has_met_uc_csu_requirements__text,
        {{ k12_row_hash(['source.reporting_lea', 'source.school_of_attendance', 'source.academic_year_id', 'source.ssid', 'source.local_student_id', 'source.student_legal_first_name', 'source.student_legal_last_name', 'source.student_birth_date', 'source.student_gender_code', 'source.enrollment_start_date', 'source.enrollment_status_code', 'source.grade_level_code', 'source.enrollment_exit_date', 'source.student_exit_reason_code', 'source.student_school_completion_status', 'source.student_met_all_uc_csu_requirements_indicator']) }} as row_hash
    from source
    left join gender_code_aliases
        on upper(source.student_gender_code) = gender_code_aliases.local_code
    left join grade_level_code_aliases
        on upper(source.grade_level_code) = grade_level_code_aliases.local_code
),

checked as (
    select
        typed.*,
        {{ k12_untyped_columns(['birth_date', 'enrollment_start_date', 'enrollment_exit_date', 'has_met_uc_csu_requirements']) }} as untyped_columns,
        {{ k12_missing_columns(['lea_code', 'school_code', 'ssid', 'enrollment_start_date', 'enrollment_status_code']) }} as missing_key_columns,
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
        student_first_name,
        student_last_name,
        birth_date,
        case when birth_date is null then birth_date__text end as birth_date__text,
        gender_code,
        enrollment_start_date,
        case when enrollment_start_date is null then enrollment_start_date__text end as enrollment_start_date__text,
        enrollment_status_code,
        grade_level_code,
        enrollment_exit_date,
        case when enrollment_exit_date is null then enrollment_exit_date__text end as enrollment_exit_date__text,
        exit_reason_code,
        completion_status_code,
        has_met_uc_csu_requirements,
        case when has_met_uc_csu_requirements is null then has_met_uc_csu_requirements__text end as has_met_uc_csu_requirements__text,
        row_hash,
        untyped_columns,
        missing_key_columns,
        is_quarantined,
        {{ k12_exclusion_reason('is_quarantined', 'is_malformed_line', 'untyped_columns', 'missing_key_columns') }} as exclusion_reason
    from checked
)

select * from final
