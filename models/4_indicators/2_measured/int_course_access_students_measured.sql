{#-
    Course-access indicators per student (project definitions, docs/indicators.md):
    - ALG8: students in grade var k12:middle_school_math_grade_level (08) enrolled on Census
      Day; numerator: a course mark that year, at any school of the LEA, in a course ranked
      Algebra I / Integrated Mathematics I or higher (dim_course.is_algebra_1_or_higher).
    - AP_PART: students in grades var k12:ap_participation_grade_levels (10-12) enrolled on
      Census Day; numerator: a course mark that year in an Advanced Placement course.
    A student counts at each school where they were enrolled on Census Day in that grade
    (the school's grade) and once in the LEA (the LEA grade).
-#}

with

enrollments as (
    select * from {{ ref('int_indicator_enrollments_listed') }}
    where is_enrolled_on_census_day
),

marks as (
    select * from {{ ref('fct_course_marks') }}
),

courses as (
    select * from {{ ref('dim_course') }}
),

student_courses as (
    select
        marks.lea_code,
        marks.student_id,
        marks.school_year,
        max(case when courses.is_algebra_1_or_higher then 1 else 0 end) as has_algebra_1_or_higher,
        max(case when marks.is_advanced_placement then 1 else 0 end) as has_advanced_placement
    from marks
    left join courses
        on marks.course_section_key = courses.course_section_key
    group by marks.lea_code, marks.student_id, marks.school_year
),

populations as (
    select 'ALG8' as indicator_code, * from enrollments
    where grade_level_code = '{{ var("k12:middle_school_math_grade_level") }}'

    union all

    select 'AP_PART' as indicator_code, * from enrollments
    where grade_level_code in ('{{ var("k12:ap_participation_grade_levels") | join("', '") }}')
),

measured as (
    select
        populations.indicator_code,
        populations.entity_type,
        populations.lea_code,
        populations.school_code,
        populations.student_id,
        populations.school_year,
        case populations.indicator_code
            when 'ALG8' then coalesce(student_courses.has_algebra_1_or_higher, 0)
            else coalesce(student_courses.has_advanced_placement, 0)
        end as meets
    from populations
    left join student_courses
        on {{ k12_same_student_year('populations', 'student_courses') }}
),

final as (
    select
        {{ k12_indicator_row(
            numerator_value='meets'
        ) }}
    from measured
)

select * from final
