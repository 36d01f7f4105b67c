{#-
    Freshman on-track (Allensworth & Easton 2005, Consortium on Chicago School Research)
    per student:
    - population: students in grade var k12:freshman_on_track_grade_level (09) in the LEA,
      enrolled on Census Day; a student whose last enrolment of the year ended before the
      year's last instructional day with a transfer-out exit reason is left out (a dropout
      stays in, off track); counted at their primary school and in the LEA;
    - on track: credits earned that year (all schools of the LEA) at least var
      k12:freshman_on_track_min_full_year_courses x var k12:credits_per_full_year_course
      (5 full-year courses = 50 CALPADS credits), and at most var
      k12:freshman_on_track_max_core_semester_fs semester F in core courses (English,
      mathematics, science, social science: state_course_codes.is_core_course). A mark
      counts as its term's share of two semesters (a full-year F is two semester Fs).
-#}

with

lea_enrollments as (
    select * from {{ ref('int_lea_enrollments_summarized') }}
    where is_enrolled_on_census_day
        and grade_level_code = '{{ var("k12:freshman_on_track_grade_level") }}'
),

enrollments as (
    select * from {{ ref('int_enrollments_resolved') }}
    where not is_no_show
        and is_primary_or_short_term
),

school_years as (
    select * from {{ ref('dim_school_year') }}
),

marks as (
    select * from {{ ref('fct_course_marks') }}
),

terms as (
    select * from {{ ref('academic_terms') }}
),

last_records as (
    select
        lea_code,
        student_id,
        school_year,
        effective_exit_date,
        is_transfer_out,
        row_number() over (
            partition by lea_code, student_id, school_year
            order by effective_exit_date desc, enrollment_start_date desc
        ) as recency_rank
    from enrollments
),

transferred_out as (
    select last_records.lea_code, last_records.student_id, last_records.school_year
    from last_records
    inner join school_years
        on last_records.school_year = school_years.school_year
    where last_records.recency_rank = 1
        and last_records.is_transfer_out
        and last_records.effective_exit_date < coalesce(school_years.last_instructional_date, school_years.school_year_end_date)
),

student_marks as (
    select
        marks.lea_code,
        marks.student_id,
        marks.school_year,
        sum(coalesce(marks.credits_earned, 0)) as credits_earned,
        sum(case when marks.is_core_course and marks.is_f then 2 * coalesce(terms.share_of_year, 0.5) else 0 end)
            as core_semester_fs
    from marks
    left join terms
        on marks.academic_term_code = terms.academic_term_code
    group by marks.lea_code, marks.student_id, marks.school_year
),

population as (
    select
        lea_enrollments.lea_code,
        lea_enrollments.primary_school_code,
        lea_enrollments.student_id,
        lea_enrollments.school_year,
        coalesce(student_marks.credits_earned, 0) >= {{ var('k12:freshman_on_track_min_full_year_courses') }} * {{ var('k12:credits_per_full_year_course') }}
            and coalesce(student_marks.core_semester_fs, 0) <= {{ var('k12:freshman_on_track_max_core_semester_fs') }} + 1e-9
            as is_on_track
    from lea_enrollments
    left join student_marks
        on {{ k12_same_student_year('lea_enrollments', 'student_marks') }}
    left join transferred_out
        on {{ k12_same_student_year('lea_enrollments', 'transferred_out') }}
    where transferred_out.student_id is null
),

by_entity as (
    select 'school' as entity_type, lea_code, primary_school_code as school_code, student_id, school_year, is_on_track
    from population

    union all

    select 'lea' as entity_type, lea_code, cast(null as {{ dbt.type_string() }}) as school_code, student_id, school_year, is_on_track
    from population
),

final as (
    select
        {{ k12_indicator_row(
            indicator_code="'FOT'",
            numerator_value='is_on_track'
        ) }}
    from by_entity
)

select * from final
