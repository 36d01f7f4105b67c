{#-
    A student's enrolment at one school in one school year, as the indicators count it
    (int_school_enrollments_summarized): cumulatively enrolled (status 10, 20 or 30, not a
    no-show), with a primary or short-term record, enrolled on Census Day, and the grade of
    the latest primary or short-term record. The mart the notebooks read instead of
    re-deriving these rules from fct_enrollment.
    Grain: one row per student x school x school year (a no-show-only enrolment has no row).
-#}

with

school_enrollments as (
    select * from {{ ref('int_school_enrollments_summarized') }}
),

final as (
    select
        {{ k12_surrogate_key(['student_id', 'lea_code', 'school_code', 'school_year']) }} as school_enrollment_summary_id,
        student_id,
        {{ k12_student_year_id('student_id', 'school_year') }} as student_year_id,
        lea_code,
        school_code,
        {{ k12_school_key('lea_code', 'school_code') }} as school_key,
        school_year,
        grade_level_code,
        is_cumulatively_enrolled,
        has_primary_or_short_term_enrollment,
        is_secondary_only,
        is_enrolled_on_census_day,
        first_enrollment_start_date,
        last_effective_exit_date,
        primary_enrollment_calendar_days,
        enrollment_record_count,
        has_re_entry,
        has_secondary_enrollment,
        latest_exit_reason_code,
        latest_completion_status_code
    from school_enrollments
)

select * from final
