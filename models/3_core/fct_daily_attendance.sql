{#-
    Daily attendance marks with their attendance category. Grain: one row per student x
    school x date. A table rebuilt by every `dbt build`; in a daily refresh (`k12 refresh`)
    incremental by source file: only the files base_sis__attendance_days has newly loaded
    are added (replacing a file loaded before), and rows of removed files are deleted.
-#}

{{ k12_refreshed_by_file('ATTENDANCE') }}

with

attendance_days as (
    select * from {{ ref('stg_sis__attendance_days') }}
    {%- if is_incremental() %}
    where {{ k12_unloaded_files_predicate('ATTENDANCE', this) }}
    {%- endif %}
),

student_ids as (
    select * from {{ ref('int_student_ids_assigned') }}
),

attendance_codes as (
    select * from {{ ref('attendance_codes') }}
),

final as (
    select
        student_ids.student_id,
        attendance_days.lea_code,
        attendance_days.school_code,
        attendance_days.school_year,
        attendance_days.attendance_date,
        attendance_days.attendance_code,
        coalesce(attendance_codes.attendance_category, 'unknown') as attendance_category,
        coalesce(attendance_codes.is_in_attendance, false) as is_in_attendance,
        coalesce(attendance_codes.is_absence_for_chronic_absenteeism, false) as is_absence_for_chronic_absenteeism,
        attendance_codes.attendance_category = 'excused_absence' as is_excused_absence,
        attendance_codes.attendance_category = 'unexcused_absence' as is_unexcused_absence,
        attendance_codes.attendance_category = 'out_of_school_suspension' as is_out_of_school_suspension,
        attendance_codes.attendance_category = 'in_school_suspension' as is_in_school_suspension,
        attendance_codes.attendance_category in ('independent_study_ada', 'independent_study_non_ada') as is_independent_study,
        attendance_days.source_file,
        attendance_days.file_fingerprint
    from attendance_days
    inner join student_ids
        on {{ k12_same_student('attendance_days', 'student_ids', student='ssid') }}
    left join attendance_codes
        on attendance_days.attendance_code = attendance_codes.attendance_code
)

select * from final
