{{ config(tags=['daily_refresh']) }}
{#-
    The as-of dates of the in-year ("to date") indicators, as positions in the school year:
    a date's position is its district instructional day number (1 = the first date any
    school of the LEA held instruction, from dim_calendar). A year reports the last
    instructional date of each month and its latest date with data (is_reported_as_of).
    It also gets the positions the next year reports (is_reported_as_of false), so that next
    year's value at "day k" can be compared with this year's value at the same day k; a
    position beyond this year's last day is this year's last day.
-#}

with

calendar as (
    select distinct lea_code, school_year, calendar_date
    from {{ ref('dim_calendar') }}
),

numbered as (
    select
        lea_code,
        school_year,
        calendar_date,
        row_number() over (partition by lea_code, school_year order by calendar_date) as instructional_day,
        extract(year from calendar_date) * 100 + extract(month from calendar_date) as calendar_month
    from calendar
),

year_ends as (
    select lea_code, school_year, max(instructional_day) as last_instructional_day
    from numbered
    group by lea_code, school_year
),

month_ends as (
    select lea_code, school_year, max(instructional_day) as instructional_day
    from numbered
    group by lea_code, school_year, calendar_month
),

own_positions as (
    -- every month's last instructional date; the year's last date is the last month's
    select lea_code, school_year, instructional_day from month_ends
    union
    select lea_code, school_year, last_instructional_day from year_ends
),

next_year_positions as (
    select
        own_positions.lea_code,
        own_positions.school_year - 1 as school_year,
        case
            when own_positions.instructional_day > year_ends.last_instructional_day then year_ends.last_instructional_day
            else own_positions.instructional_day
        end as instructional_day
    from own_positions
    inner join year_ends
        on own_positions.lea_code = year_ends.lea_code
        and own_positions.school_year - 1 = year_ends.school_year
),

positions as (
    select lea_code, school_year, instructional_day, true as is_reported_as_of from own_positions
    union all
    select lea_code, school_year, instructional_day, false as is_reported_as_of from next_year_positions
),

final as (
    select
        positions.lea_code,
        positions.school_year,
        positions.instructional_day as as_of_instructional_day,
        numbered.calendar_date as as_of_date,
        max(case when positions.is_reported_as_of then 1 else 0 end) = 1 as is_reported_as_of
    from positions
    inner join numbered
        on positions.lea_code = numbered.lea_code
        and positions.school_year = numbered.school_year
        and positions.instructional_day = numbered.instructional_day
    group by positions.lea_code, positions.school_year, positions.instructional_day, numbered.calendar_date
)

select * from final
