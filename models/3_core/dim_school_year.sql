{{ config(tags=['daily_refresh']) }}
with

student_years as (
    select distinct school_year from {{ ref('int_student_years_spined') }}
),

calendar as (
    select * from {{ ref('dim_calendar') }}
),

instructional_days as (
    select
        school_year,
        min(calendar_date) as first_instructional_date,
        max(calendar_date) as last_instructional_date,
        count(distinct calendar_date) as district_instructional_dates
    from calendar
    group by school_year
),

final as (
    select
        student_years.school_year,
        {{ dbt.concat([
            "cast(student_years.school_year - 1 as " ~ dbt.type_string() ~ ")",
            "'-'",
            dbt.right("cast(student_years.school_year as " ~ dbt.type_string() ~ ")", 2)
        ]) }} as school_year_label,
        {{ dbt.concat([
            "cast(student_years.school_year - 1 as " ~ dbt.type_string() ~ ")",
            "'-'",
            "cast(student_years.school_year as " ~ dbt.type_string() ~ ")"
        ]) }} as academic_year_id,
        {{ k12_school_year_start('student_years.school_year') }} as school_year_start_date,
        {{ k12_school_year_end('student_years.school_year') }} as school_year_end_date,
        {{ k12_census_day('student_years.school_year') }} as census_day,
        instructional_days.first_instructional_date,
        instructional_days.last_instructional_date,
        coalesce(instructional_days.district_instructional_dates, 0) as district_instructional_dates,
        instructional_days.school_year is not null as has_daily_attendance,
        student_years.school_year = max(student_years.school_year) over () as is_latest_school_year
    from student_years
    left join instructional_days
        on student_years.school_year = instructional_days.school_year
)

select * from final
