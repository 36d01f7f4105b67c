{#-
    The STAS rows that load: every line of base_calpads__absence_summaries without an exclusion
    reason, once (an exact duplicate of an earlier line of the same file is dropped;
    staging_file_reconciliation counts them). Grain: one row per absence summary (student x school x year).
-#}

with

base as (
    select * from {{ ref('base_calpads__absence_summaries') }}
),

{{ k12_loaded_lines('base') }}

final as (
    select
        source_file,
        school_year,
        source_line_number,
        lea_code,
        school_code,
        academic_year_id,
        ssid,
        local_student_id,
        is_exempt_from_absence_summary,
        is_hourly_attendance_school,
        expected_attendance_days,
        days_attended_in_person,
        days_absent_out_of_school_suspension,
        days_in_school_suspension,
        days_absent_excused,
        days_absent_unexcused,
        days_independent_study_non_ada,
        days_independent_study_ada
    from loaded_lines
)

select * from final
