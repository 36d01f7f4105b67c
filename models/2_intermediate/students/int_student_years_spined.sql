{#-
    Every student-year that any fact refers to: students with an enrolment record (SENR) and students who
    appear only in another extract (an absence summary, a mark, a test, a discipline
    result or a day of attendance without an enrolment record). The second kind is a data
    problem `k12 check` reports; keeping them here means no fact row ever loses its
    student. Grain: one row per LEA x student x school year.
-#}

with

student_ids as (
    select * from {{ ref('int_student_ids_assigned') }}
),

lea_enrollments as (
    -- every student with an enrolment record, no-show-only students included (their
    -- records are in fct_enrollment; flags say they were never enrolled a day)
    select distinct lea_code, ssid, school_year from {{ ref('stg_calpads__enrollments') }}
),

other_records as (
    select lea_code, ssid, school_year from {{ ref('stg_calpads__absence_summaries') }}
    union
    select lea_code, ssid, school_year from {{ ref('stg_calpads__course_marks') }}
    union
    select lea_code, ssid, school_year from {{ ref('stg_caaspp__test_scores') }}
    union
    select lea_code, ssid, school_year from {{ ref('stg_calpads__incident_results') }}
    union
    select lea_code, ssid, school_year from {{ ref('stg_calpads__incident_offenses') }}
    union
    select lea_code, ssid, school_year from {{ ref('int_attendance_student_years_listed') }}
),

all_student_years as (
    select lea_code, ssid, school_year, true as has_enrollment_record from lea_enrollments
    union all
    select other_records.lea_code, other_records.ssid, other_records.school_year, false as has_enrollment_record
    from other_records
    left join lea_enrollments
        on {{ k12_same_student_year('other_records', 'lea_enrollments', student='ssid') }}
    where lea_enrollments.ssid is null
),

final as (
    select
        student_ids.student_id,
        all_student_years.lea_code,
        all_student_years.ssid,
        all_student_years.school_year,
        all_student_years.has_enrollment_record
    from all_student_years
    inner join student_ids
        on {{ k12_same_student('all_student_years', 'student_ids', student='ssid') }}
)

select * from final
