{#-
    A student's enrolment in the LEA in one school year, from the school summaries.
    The primary school is the school of the most primary/short-term enrolment days (the
    latest start breaks a tie); the grade is that school's grade.
    Grain: one row per LEA x student x school year.
-#}

with

school_enrollments as (
    select * from {{ ref('int_school_enrollments_summarized') }}
),

ranked as (
    select
        *,
        row_number() over (
            partition by lea_code, ssid, school_year
            order by
                case when has_primary_or_short_term_enrollment then 0 else 1 end,
                primary_enrollment_calendar_days desc,
                first_enrollment_start_date desc,
                school_code
        ) as school_rank
    from school_enrollments
),

summarized as (
    select
        student_id,
        lea_code,
        ssid,
        school_year,
        min(first_enrollment_start_date) as first_enrollment_start_date,
        max(last_effective_exit_date) as last_effective_exit_date,
        max(case when is_cumulatively_enrolled then 1 else 0 end) = 1 as is_cumulatively_enrolled,
        max(case when has_primary_or_short_term_enrollment then 1 else 0 end) = 1 as has_primary_or_short_term_enrollment,
        max(case when is_enrolled_on_census_day then 1 else 0 end) = 1 as is_enrolled_on_census_day,
        sum(primary_enrollment_calendar_days) as primary_enrollment_calendar_days,
        count(*) as school_count
    from school_enrollments
    group by student_id, lea_code, ssid, school_year
),

primary_school as (
    select
        lea_code,
        ssid,
        school_year,
        school_code as primary_school_code,
        grade_level_code
    from ranked
    where school_rank = 1
),

final as (
    select
        summarized.*,
        primary_school.primary_school_code,
        primary_school.grade_level_code
    from summarized
    inner join primary_school
        on {{ k12_same_student_year('summarized', 'primary_school', student='ssid') }}
)

select * from final
