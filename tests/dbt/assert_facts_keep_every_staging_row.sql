{#-
    No fact loses a staging row: enrolment records, attendance marks, marks and absence
    summaries map one to one; assessment results keep one record per student, subject
    and year (the documented choice among several). Returns the facts whose counts differ.
-#}
with

counts as (
    select 'fct_enrollment' as fact_name,
        (select count(*) from {{ ref('stg_calpads__enrollments') }}) as staging_rows,
        (select count(*) from {{ ref('fct_enrollment') }}) as fact_rows

    union all

    select 'fct_daily_attendance',
        (select count(*) from {{ ref('stg_sis__attendance_days') }}),
        (select count(*) from {{ ref('fct_daily_attendance') }})

    union all

    select 'fct_course_marks',
        (select count(*) from {{ ref('stg_calpads__course_marks') }}),
        (select count(*) from {{ ref('fct_course_marks') }})

    union all

    select 'fct_attendance_summary (stas)',
        (select count(*) from {{ ref('stg_calpads__absence_summaries') }}),
        (select count(*) from {{ ref('fct_attendance_summary') }} where measure_source = 'stas')

    union all

    select 'fct_assessment_results',
        (select count(*) from (
            select distinct scores.lea_code, scores.ssid, scores.school_year,
                coalesce(record_types.subject_code, 'unknown') as subject_code
            from {{ ref('stg_caaspp__test_scores') }} as scores
            left join {{ ref('caaspp_record_types') }} as record_types
                on scores.caaspp_record_type = record_types.caaspp_record_type
        ) as student_subjects),
        (select count(*) from {{ ref('fct_assessment_results') }})
)

select *
from counts
where staging_rows <> fact_rows
