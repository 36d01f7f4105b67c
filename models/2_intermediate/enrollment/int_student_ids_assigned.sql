{#-
    The pseudonymous id of every student seen in any loaded extract, computed once and
    joined by the facts (hashing every attendance row would cost more than a join).
    Grain: one row per LEA and SSID.
-#}

with

enrollments as (
    select lea_code, ssid from {{ ref('stg_calpads__enrollments') }}
),

absence_summaries as (
    select lea_code, ssid from {{ ref('stg_calpads__absence_summaries') }}
),

course_marks as (
    select lea_code, ssid from {{ ref('stg_calpads__course_marks') }}
),

test_scores as (
    select lea_code, ssid from {{ ref('stg_caaspp__test_scores') }}
),

incident_results as (
    select lea_code, ssid from {{ ref('stg_calpads__incident_results') }}
),

incident_offenses as (
    select lea_code, ssid from {{ ref('stg_calpads__incident_offenses') }}
),

attendance_days as (
    select lea_code, ssid from {{ ref('int_attendance_student_years_listed') }}
),

all_students as (
    select lea_code, ssid from enrollments
    union
    select lea_code, ssid from absence_summaries
    union
    select lea_code, ssid from course_marks
    union
    select lea_code, ssid from test_scores
    union
    select lea_code, ssid from incident_results
    union
    select lea_code, ssid from incident_offenses
    union
    select lea_code, ssid from attendance_days
),

final as (
    select
        lea_code,
        ssid,
        {{ k12_student_id('lea_code', 'ssid') }} as student_id
    from all_students
    where lea_code is not null
        and ssid is not null
)

select * from final
