{#-
    Every line of the CRSC files, renamed and typed, with the reason it cannot reach
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
        source.course_section_id as course_section_id,
        source.local_course_id as local_course_id,
        source.course_name as course_name,
        upper(source.state_course_code) as state_course_code,
        case upper(source.uc_csu_approved_indicator) when 'Y' then true when 'N' then false end as is_uc_csu_approved,
        source.uc_csu_approved_indicator as is_uc_csu_approved__text,
        upper(source.uc_csu_admission_requirement_code) as ag_area_code,
        upper(source.instructional_level_code) as instructional_level_code,
        upper(source.academic_term_code) as academic_term_code,
        source.teacher_seid as teacher_id,
        {{ k12_row_hash(['source.reporting_lea', 'source.school_of_attendance', 'source.academic_year_id', 'source.course_section_id', 'source.local_course_id', 'source.course_name', 'source.state_course_code', 'source.uc_csu_approved_indicator', 'source.uc_csu_admission_requirement_code', 'source.instructional_level_code', 'source.academic_term_code', 'source.teacher_seid']) }} as row_hash
    from source
),

checked as (
    select
        typed.*,
        {{ k12_untyped_columns(['is_uc_csu_approved']) }} as untyped_columns,
        {{ k12_missing_columns(['lea_code', 'school_code', 'course_section_id', 'academic_term_code']) }} as missing_key_columns,
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
        course_section_id,
        local_course_id,
        course_name,
        state_course_code,
        is_uc_csu_approved,
        case when is_uc_csu_approved is null then is_uc_csu_approved__text end as is_uc_csu_approved__text,
        ag_area_code,
        instructional_level_code,
        academic_term_code,
        teacher_id,
        row_hash,
        untyped_columns,
        missing_key_columns,
        is_quarantined,
        {{ k12_exclusion_reason('is_quarantined', 'is_malformed_line', 'untyped_columns', 'missing_key_columns') }} as exclusion_reason
    from checked
)

select * from final
