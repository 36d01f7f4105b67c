{#-
    Chronic absenteeism to date (in-year, leading): the Chronic Absenteeism rule applied to
    daily attendance up to each as-of date of int_attendance_as_of_dates_listed.
    - days so far = daily attendance marks at the school up to the as-of date (every mark is
      an expected day, as fct_attendance_summary counts them); absences so far = marks that
      count as absences for chronic absenteeism (attendance_codes seed);
    - a student counts at a school (primary or short-term enrolment, grade in var
      k12:chronic_absence_grade_levels) once enrolled at least var
      k12:chronic_absence_to_date_min_days days so far, and in the LEA when the days so
      far at all schools reach it; chronically absent so far: absences / days >= var
      k12:chronic_absence_threshold.
    The attendance facts are read once: each mark goes to the first as-of position on or
    after its date, the marks are counted per student, school and position, and running sums
    give the value at each position (no per-date cross join of the marks).
    In a daily refresh the latest school year with daily attendance and the year before it
    (last year at the same instructional day) are recomputed (incremental by school year).
-#}

{{ k12_refreshed_by_school_year(pre_hook="{{ k12_delete_refreshed_years(1) }}") }}

with

daily as (
    select lea_code, school_code, student_id, school_year, attendance_date, is_absence_for_chronic_absenteeism
    from {{ ref('fct_daily_attendance') }}
    {%- if is_incremental() %}
    where {{ k12_in_daily_refresh_years('school_year', 1) }}
    {%- endif %}
),

as_of_dates as (
    select * from {{ ref('int_attendance_as_of_dates_listed') }}
),

school_enrollments as (
    select * from {{ ref('int_school_enrollments_summarized') }}
    where has_primary_or_short_term_enrollment
        and {{ k12_in_chronic_absence_grade_span('grade_level_code') }}
),

attendance_dates as (
    -- read from the fact directly, so the large `daily` CTE is used once and not materialised
    select distinct lea_code, school_year, attendance_date
    from {{ ref('fct_daily_attendance') }}
    {%- if is_incremental() %}
    where {{ k12_in_daily_refresh_years('school_year', 1) }}
    {%- endif %}
),

date_positions as (
    select
        attendance_dates.lea_code,
        attendance_dates.school_year,
        attendance_dates.attendance_date,
        min(as_of_dates.as_of_instructional_day) as position_day
    from attendance_dates
    inner join as_of_dates
        on attendance_dates.lea_code = as_of_dates.lea_code
        and attendance_dates.school_year = as_of_dates.school_year
        and as_of_dates.as_of_date >= attendance_dates.attendance_date
    group by attendance_dates.lea_code, attendance_dates.school_year, attendance_dates.attendance_date
),

marks_by_position as (
    select
        daily.lea_code,
        daily.school_code,
        daily.student_id,
        daily.school_year,
        date_positions.position_day,
        count(*) as days_marked,
        sum(case when daily.is_absence_for_chronic_absenteeism then 1 else 0 end) as absence_days
    from daily
    inner join date_positions
        on daily.lea_code = date_positions.lea_code
        and daily.school_year = date_positions.school_year
        and daily.attendance_date = date_positions.attendance_date
    group by daily.lea_code, daily.school_code, daily.student_id, daily.school_year, date_positions.position_day
),

student_schools as (
    select
        marks_by_position.lea_code,
        marks_by_position.school_code,
        marks_by_position.student_id,
        marks_by_position.school_year,
        {{ k12_student_year_id('marks_by_position.student_id', 'marks_by_position.school_year') }} as student_year_id,
        min(marks_by_position.position_day) as first_position_day
    from marks_by_position
    inner join school_enrollments
        on {{ k12_same_school_student_year('marks_by_position', 'school_enrollments') }}
    group by marks_by_position.lea_code, marks_by_position.school_code, marks_by_position.student_id, marks_by_position.school_year
),

spine as (
    select
        student_schools.*,
        as_of_dates.as_of_instructional_day,
        as_of_dates.as_of_date,
        as_of_dates.is_reported_as_of
    from student_schools
    inner join as_of_dates
        on student_schools.lea_code = as_of_dates.lea_code
        and student_schools.school_year = as_of_dates.school_year
        and as_of_dates.as_of_instructional_day >= student_schools.first_position_day
),

running as (
    select
        spine.lea_code,
        spine.school_code,
        spine.student_year_id,
        spine.school_year,
        spine.as_of_instructional_day,
        spine.as_of_date,
        spine.is_reported_as_of,
        sum(coalesce(marks_by_position.days_marked, 0)) over (
            partition by spine.lea_code, spine.school_code, spine.student_id, spine.school_year
            order by spine.as_of_instructional_day
            rows between unbounded preceding and current row
        ) as days_so_far,
        sum(coalesce(marks_by_position.absence_days, 0)) over (
            partition by spine.lea_code, spine.school_code, spine.student_id, spine.school_year
            order by spine.as_of_instructional_day
            rows between unbounded preceding and current row
        ) as absence_days_so_far
    from spine
    left join marks_by_position
        on {{ k12_same_school_student_year('spine', 'marks_by_position') }}
        and spine.as_of_instructional_day = marks_by_position.position_day
),

by_entity as (
    select
        'school' as entity_type,
        lea_code,
        school_code,
        student_year_id,
        school_year,
        as_of_instructional_day,
        as_of_date,
        is_reported_as_of,
        days_so_far,
        absence_days_so_far
    from running

    union all

    select
        'lea' as entity_type,
        lea_code,
        cast(null as {{ dbt.type_string() }}) as school_code,
        student_year_id,
        school_year,
        as_of_instructional_day,
        as_of_date,
        is_reported_as_of,
        sum(days_so_far) as days_so_far,
        sum(absence_days_so_far) as absence_days_so_far
    from running
    group by lea_code, student_year_id, school_year, as_of_instructional_day, as_of_date, is_reported_as_of
),

final as (
    select
        {{ k12_indicator_row(
            indicator_code="'CHRO_TD'",
            period_type="'to_date'",
            as_of_date='as_of_date',
            as_of_instructional_day='as_of_instructional_day',
            is_reported_as_of='is_reported_as_of',
            student_year_id='student_year_id',
            numerator_value=k12_is_chronically_absent('absence_days_so_far', 'days_so_far')
        ) }}
    from by_entity
    where days_so_far >= {{ k12_var('k12:chronic_absence_to_date_min_days') }}
)

select * from final
