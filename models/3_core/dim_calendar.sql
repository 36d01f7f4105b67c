{#-
    Instructional days of each school, from daily attendance: a date on which the school
    marked at least var k12:calendar_min_share_of_peak_day of the students it marked on
    its busiest day (so a stray mark on a holiday does not create a school day).
    Grain: one row per school x instructional date. In a daily refresh only the latest
    school year with daily attendance is recomputed (incremental by school year).
-#}

{{ k12_refreshed_by_school_year(pre_hook="{{ k12_delete_refreshed_years() }}") }}

with

attendance_days as (
    select * from {{ ref('fct_daily_attendance') }}
    {%- if is_incremental() %}
    where {{ k12_in_daily_refresh_years('school_year') }}
    {%- endif %}
),

marked as (
    select
        lea_code,
        school_code,
        school_year,
        attendance_date as calendar_date,
        count(*) as students_marked
    from attendance_days
    group by lea_code, school_code, school_year, attendance_date
),

with_peak as (
    select
        *,
        max(students_marked) over (partition by lea_code, school_code, school_year) as peak_students_marked
    from marked
),

instructional as (
    select *
    from with_peak
    where students_marked >= {{ var('k12:calendar_min_share_of_peak_day') }} * peak_students_marked
),

final as (
    select
        {{ k12_school_key('lea_code', 'school_code') }} as school_key,
        lea_code,
        school_code,
        school_year,
        calendar_date,
        row_number() over (
            partition by lea_code, school_code, school_year order by calendar_date
        ) as instructional_day_number,
        {{ k12_iso_day_of_week('calendar_date') }} as iso_day_of_week,
        extract(month from calendar_date) as month_number,
        calendar_date = {{ k12_census_day('school_year') }} as is_census_day,
        students_marked
    from instructional
)

select * from final
