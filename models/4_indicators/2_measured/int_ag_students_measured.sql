{#-
    a-g indicators per student (UC freshman requirements; docs/indicators.md):
    - a-g semesters: marks that earn a-g credit (UC/CSU-approved section with an a-g area,
      C or better: fct_course_marks.earns_ag_credit), each counting its term's share of two
      semesters, accumulated over the student's years in the LEA up to the year;
    - AG_ON_TRACK: students in grades var k12:ag_on_track_grade_levels (09-12) enrolled on
      Census Day whose first high-school year (school year - (grade - 9)) is not before the
      LEA's first year of marks (so their history is complete); on track when every area
      and the total (ALL) reach the pace of the ag_on_track_pace seed for their grade;
      counted at their primary school and in the LEA;
    - AG_COMP_SENR: standard-diploma graduates (completion 100) with the SENR flag "met all
      UC/CSU requirements";
    - AG_COMP_COURSES: the same graduates whose a-g semesters reach ag_areas.required_semesters
      in every area (breakdown none), and area by area (breakdown ag_area); a lower bound
      when fewer than four years of marks are in the warehouse.
    Graduates count at the school of their completion record and in the LEA.
-#}

with

students as (
    select * from {{ ref('dim_student') }}
),

lea_enrollments as (
    select * from {{ ref('int_lea_enrollments_summarized') }}
),

enrollments as (
    select * from {{ ref('fct_enrollment') }}
),

marks as (
    select * from {{ ref('fct_course_marks') }}
),

terms as (
    select * from {{ ref('academic_terms') }}
),

areas as (
    select * from {{ ref('ag_areas') }}
),

pace as (
    select * from {{ ref('ag_on_track_pace') }}
),

ag_marks as (
    select
        marks.lea_code,
        marks.student_id,
        marks.school_year,
        marks.ag_area_code,
        sum(2 * coalesce(terms.share_of_year, 0.5)) as semesters
    from marks
    left join terms
        on marks.academic_term_code = terms.academic_term_code
    where marks.earns_ag_credit
    group by marks.lea_code, marks.student_id, marks.school_year, marks.ag_area_code
),

first_mark_years as (
    select lea_code, min(school_year) as first_school_year_with_marks
    from marks
    group by lea_code
),

accumulated as (
    -- a-g semesters by area up to each school year the student is in the warehouse
    select
        students.lea_code,
        students.student_id,
        students.school_year,
        ag_marks.ag_area_code,
        sum(ag_marks.semesters) as semesters
    from students
    inner join ag_marks
        on {{ k12_same_student('students', 'ag_marks') }}
        and ag_marks.school_year <= students.school_year
    group by students.lea_code, students.student_id, students.school_year, ag_marks.ag_area_code
),

accumulated_with_total as (
    select lea_code, student_id, school_year, ag_area_code, semesters from accumulated
    union all
    select lea_code, student_id, school_year, 'ALL' as ag_area_code, sum(semesters) as semesters
    from accumulated
    group by lea_code, student_id, school_year
),

on_track_population as (
    select
        lea_enrollments.lea_code,
        lea_enrollments.primary_school_code,
        lea_enrollments.student_id,
        lea_enrollments.school_year,
        lea_enrollments.grade_level_code
    from lea_enrollments
    inner join students
        on {{ k12_same_student_year('lea_enrollments', 'students') }}
    inner join first_mark_years
        on lea_enrollments.lea_code = first_mark_years.lea_code
    where lea_enrollments.is_enrolled_on_census_day
        and lea_enrollments.grade_level_code in ('{{ var("k12:ag_on_track_grade_levels") | join("', '") }}')
        and lea_enrollments.school_year - (students.numeric_grade - 9) >= first_mark_years.first_school_year_with_marks
),

on_track as (
    select
        on_track_population.lea_code,
        on_track_population.primary_school_code,
        on_track_population.student_id,
        on_track_population.school_year,
        min(case when coalesce(accumulated_with_total.semesters, 0) + 1e-9 >= pace.minimum_semesters then 1 else 0 end)
            as is_on_track
    from on_track_population
    inner join pace
        on on_track_population.grade_level_code = pace.grade_level_code
    left join accumulated_with_total
        on {{ k12_same_student_year('on_track_population', 'accumulated_with_total') }}
        and pace.ag_area_code = accumulated_with_total.ag_area_code
    group by on_track_population.lea_code, on_track_population.primary_school_code, on_track_population.student_id,
        on_track_population.school_year
),

graduates as (
    select
        lea_code,
        school_code,
        student_id,
        school_year,
        max(case when has_met_uc_csu_requirements then 1 else 0 end) as has_senr_flag
    from enrollments
    where is_standard_diploma_graduate
    group by lea_code, school_code, student_id, school_year
),

graduate_areas as (
    select
        graduates.lea_code,
        graduates.school_code,
        graduates.student_id,
        graduates.school_year,
        areas.ag_area_code,
        case when coalesce(accumulated.semesters, 0) + 1e-9 >= areas.required_semesters then 1 else 0 end as meets_area
    from graduates
    cross join areas
    left join accumulated
        on {{ k12_same_student_year('graduates', 'accumulated') }}
        and areas.ag_area_code = accumulated.ag_area_code
),

measured as (
    select 'AG_ON_TRACK' as indicator_code, lea_code, primary_school_code as school_code, student_id, school_year,
        'none' as breakdown_type, 'all' as breakdown_value, is_on_track as meets
    from on_track

    union all

    select 'AG_COMP_SENR' as indicator_code, lea_code, school_code, student_id, school_year,
        'none' as breakdown_type, 'all' as breakdown_value, has_senr_flag as meets
    from graduates

    union all

    select 'AG_COMP_COURSES' as indicator_code, lea_code, school_code, student_id, school_year,
        'none' as breakdown_type, 'all' as breakdown_value, min(meets_area) as meets
    from graduate_areas
    group by lea_code, school_code, student_id, school_year

    union all

    select 'AG_COMP_COURSES' as indicator_code, lea_code, school_code, student_id, school_year,
        'ag_area' as breakdown_type, ag_area_code as breakdown_value, meets_area as meets
    from graduate_areas
),

by_entity as (
    select 'school' as entity_type, indicator_code, lea_code, school_code, student_id, school_year,
        breakdown_type, breakdown_value, meets
    from measured

    union all

    select 'lea' as entity_type, indicator_code, lea_code, cast(null as {{ dbt.type_string() }}) as school_code, student_id,
        school_year, breakdown_type, breakdown_value, max(meets) as meets
    from measured
    group by indicator_code, lea_code, student_id, school_year, breakdown_type, breakdown_value
),

final as (
    select
        {{ k12_indicator_row(
            numerator_value='meets',
            breakdown_type='breakdown_type',
            breakdown_value='breakdown_value'
        ) }}
    from by_entity
)

select * from final
