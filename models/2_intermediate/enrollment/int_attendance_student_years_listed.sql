{#-
    The students of daily attendance, once: the attendance extract is the largest by far,
    and the id and spine models need only who appears in it, by school year.
    Grain: one row per LEA x student x school year with daily attendance.
-#}

with

attendance_days as (
    select * from {{ ref('stg_sis__attendance_days') }}
),

final as (
    select distinct
        lea_code,
        ssid,
        school_year
    from attendance_days
)

select * from final
