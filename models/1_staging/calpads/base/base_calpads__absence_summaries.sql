{#-
    Every line of the STAS files, renamed and typed, with the reason it cannot reach
    staging (exclusion_reason: quarantined, malformed_line or untyped_value; NULL for
    the rows that can). Text values that fail their type are kept in the `__text`
    columns (only when they failed); row_hash (a hash of all the line's values) lets staging drop exact
    duplicates. A table: the files are parsed once per build.
    Grain: one row per line of every STAS file.
-#}

with

source as (
    select * from {{ source('calpads', 'stas') }}
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
        case upper(source.absence_summary_data_collection_exemption_indicator) when 'Y' then true when 'N' then false end as is_exempt_from_absence_summary,
        source.absence_summary_data_collection_exemption_indicator as is_exempt_from_absence_summary__text,
        case upper(source.hourly_attendance_school_type_indicator) when 'Y' then true when 'N' then false end as is_hourly_attendance_school,
        source.hourly_attendance_school_type_indicator as is_hourly_attendance_school__text,
        {{ k12_to_number('source.expected_attendance_days') }} as expected_attendance_days,
        source.expected_attendance_days as expected_attendance_days__text,
        {{ k12_to_number('source.days_attended_in_person') }} as days_attended_in_person,
        source.days_attended_in_person as days_attended_in_person__text,
        {{ k12_to_number('source.days_absent_out_of_school_suspension') }} as days_absent_out_of_school_suspension,
        source.days_absent_out_of_school_suspension as days_absent_out_of_school_suspension__text,
        {{ k12_to_number('source.days_in_attendance_in_school_suspension') }} as days_in_school_suspension,
        source.days_in_attendance_in_school_suspension as days_in_school_suspension__text,
        {{ k12_to_number('source.days_absent_excused_non_suspension') }} as days_absent_excused,
        source.days_absent_excused_non_suspension as days_absent_excused__text,
        {{ k12_to_number('source.days_absent_unexcused_non_suspension') }} as days_absent_unexcused,
        source.days_absent_unexcused_non_suspension as days_absent_unexcused__text,
        {{ k12_to_number('source.non_ada_generating_independent_study_days') }} as days_independent_study_non_ada,
        source.non_ada_generating_independent_study_days as days_independent_study_non_ada__text,
        {{ k12_to_number('source.ada_generating_independent_study_days') }} as days_independent_study_ada,
        source.ada_generating_independent_study_days as days_independent_study_ada__text,
        {{ k12_row_hash(['source.reporting_lea', 'source.school_of_attendance', 'source.academic_year_id', 'source.ssid', 'source.local_student_id', 'source.absence_summary_data_collection_exemption_indicator', 'source.hourly_attendance_school_type_indicator', 'source.expected_attendance_days', 'source.days_attended_in_person', 'source.days_absent_out_of_school_suspension', 'source.days_in_attendance_in_school_suspension', 'source.days_absent_excused_non_suspension', 'source.days_absent_unexcused_non_suspension', 'source.non_ada_generating_independent_study_days', 'source.ada_generating_independent_study_days']) }} as row_hash
    from source
),

checked as (
    select
        typed.*,
        {{ k12_untyped_columns(['is_exempt_from_absence_summary', 'is_hourly_attendance_school', 'expected_attendance_days', 'days_attended_in_person', 'days_absent_out_of_school_suspension', 'days_in_school_suspension', 'days_absent_excused', 'days_absent_unexcused', 'days_independent_study_non_ada', 'days_independent_study_ada']) }} as untyped_columns,
        {{ k12_missing_columns(['lea_code', 'school_code', 'ssid']) }} as missing_key_columns,
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
        is_exempt_from_absence_summary,
        case when is_exempt_from_absence_summary is null then is_exempt_from_absence_summary__text end as is_exempt_from_absence_summary__text,
        is_hourly_attendance_school,
        case when is_hourly_attendance_school is null then is_hourly_attendance_school__text end as is_hourly_attendance_school__text,
        expected_attendance_days,
        case when expected_attendance_days is null then expected_attendance_days__text end as expected_attendance_days__text,
        days_attended_in_person,
        case when days_attended_in_person is null then days_attended_in_person__text end as days_attended_in_person__text,
        days_absent_out_of_school_suspension,
        case when days_absent_out_of_school_suspension is null then days_absent_out_of_school_suspension__text end as days_absent_out_of_school_suspension__text,
        days_in_school_suspension,
        case when days_in_school_suspension is null then days_in_school_suspension__text end as days_in_school_suspension__text,
        days_absent_excused,
        case when days_absent_excused is null then days_absent_excused__text end as days_absent_excused__text,
        days_absent_unexcused,
        case when days_absent_unexcused is null then days_absent_unexcused__text end as days_absent_unexcused__text,
        days_independent_study_non_ada,
        case when days_independent_study_non_ada is null then days_independent_study_non_ada__text end as days_independent_study_non_ada__text,
        days_independent_study_ada,
        case when days_independent_study_ada is null then days_independent_study_ada__text end as days_independent_study_ada__text,
        row_hash,
        untyped_columns,
        missing_key_columns,
        is_quarantined,
        {{ k12_exclusion_reason('is_quarantined', 'is_malformed_line', 'untyped_columns', 'missing_key_columns') }} as exclusion_reason
    from checked
)

select * from final
