{#-
    Grade-9 GPA below 2.0 per student (a district indicator; the worked example of
    docs/architecture.md "Adding an indicator"):
    - population: students in grade var k12:freshman_on_track_grade_level (09) in the LEA,
      enrolled on Census Day, with at least one letter-grade mark that year; counted at
      their primary school and in the LEA;
    - GPA: the mean grade points of their letter-grade marks (seed letter_grades), each mark
      weighted by its term's share of the year (seed academic_terms; a term without a share
      counts as a semester);
    - numerator: GPA below var k12:grade9_low_gpa_threshold (default 2.0; exactly 2.0 is not).
    Grain: one row per entity (school, LEA) and student-year.
-#}

with

lea_enrollments as (
    select * from {{ ref('int_lea_enrollments_summarized') }}
    where is_enrolled_on_census_day
        and grade_level_code = '{{ var("k12:freshman_on_track_grade_level") }}'
),

marks as (
    select * from {{ ref('fct_course_marks') }}
    where is_letter_grade
),

terms as (
    select * from {{ ref('academic_terms') }}
),

student_gpas as (
    select
        marks.lea_code,
        marks.student_id,
        marks.school_year,
        sum(marks.grade_points * coalesce(terms.share_of_year, 0.5))
            / sum(coalesce(terms.share_of_year, 0.5)) as grade_point_average
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
        student_gpas.grade_point_average
    from lea_enrollments
    inner join student_gpas
        on {{ k12_same_student_year('lea_enrollments', 'student_gpas') }}
),

by_entity as (
    select 'school' as entity_type, lea_code, primary_school_code as school_code, student_id, school_year, grade_point_average
    from population

    union all

    select 'lea' as entity_type, lea_code, cast(null as {{ dbt.type_string() }}) as school_code, student_id, school_year, grade_point_average
    from population
),

final as (
    select
        {{ k12_indicator_row(
            indicator_code="'GR9_LOW_GPA'",
            numerator_value="grade_point_average < " ~ var('k12:grade9_low_gpa_threshold', 2.0)
        ) }}
    from by_entity
)

select * from final
