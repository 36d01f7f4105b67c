{#-
    Grades versus assessment (Garden Grove method; reference section 5; docs/indicators.md)
    per student, subject and year:
    - the test: the student's Smarter Balanced result in ELA or mathematics that year with a
      scale score and an achievement level 1-4 (CAAs and untested records are left out);
    - the marks: every letter-graded mark (A-F; P/NP and incomplete left out) that year in a
      course of the same content area (ELA courses with the ELA test, mathematics courses
      with the mathematics test), whatever the term; each mark weighs its term's share of two
      semesters (a semester mark 1, a full-year mark 2, a quarter 0.5);
    - GVA_GPA: the student's weighted mean grade points (numerator; denominator 1);
    - GVA_AB: the student's weighted A/B marks (numerator) over weighted marks (denominator);
    - breakdown subject_achievement_level = subject-level (ELA-1 ... MATH-4).
    A student counts at each school where they have such marks (with those marks) and once
    in the LEA (with all of them).
-#}

with

results as (
    select * from {{ ref('fct_assessment_results') }}
    where subject_code in ('ELA', 'MATH')
        and distance_from_standard_basis = 'scale_score'
        and achievement_level in ('1', '2', '3', '4')
),

marks as (
    select * from {{ ref('fct_course_marks') }}
    where is_letter_grade
        and grade_points is not null
        and content_area_code in ('ELA', 'MATH')
),

terms as (
    select * from {{ ref('academic_terms') }}
),

entities as (
    -- a mark counts at its school and in the LEA
    select 'school' as entity_type
    union all
    select 'lea' as entity_type
),

weighted_marks as (
    select
        entities.entity_type,
        marks.lea_code,
        case when entities.entity_type = 'school' then marks.school_code end as school_code,
        marks.student_id,
        marks.school_year,
        marks.content_area_code,
        2 * coalesce(terms.share_of_year, 0.5) as mark_weight,
        marks.grade_points,
        case when marks.is_a_or_b then 1 else 0 end as is_a_or_b
    from marks
    cross join entities
    left join terms
        on marks.academic_term_code = terms.academic_term_code
),

by_entity as (
    select
        entity_type,
        lea_code,
        school_code,
        student_id,
        school_year,
        content_area_code,
        sum(mark_weight) as weighted_marks,
        sum(mark_weight * grade_points) as weighted_grade_points,
        sum(mark_weight * is_a_or_b) as weighted_a_or_b_marks
    from weighted_marks
    group by entity_type, lea_code, school_code, student_id, school_year, content_area_code
),

linked as (
    select
        by_entity.*,
        results.student_year_id,
        {{ dbt.concat(['results.subject_code', "'-'", 'results.achievement_level']) }} as subject_achievement_level
    from by_entity
    inner join results
        on {{ k12_same_student_year('by_entity', 'results') }}
        and by_entity.content_area_code = results.subject_code
    where by_entity.weighted_marks > 0
),

measured as (
    select
        'GVA_GPA' as indicator_code,
        entity_type, lea_code, school_code, student_year_id, school_year, subject_achievement_level,
        weighted_grade_points / weighted_marks as numerator_value,
        cast(1 as double) as denominator_value
    from linked

    union all

    select
        'GVA_AB' as indicator_code,
        entity_type, lea_code, school_code, student_year_id, school_year, subject_achievement_level,
        weighted_a_or_b_marks as numerator_value,
        weighted_marks as denominator_value
    from linked
),

final as (
    select
        {{ k12_indicator_row(
            numerator_value='numerator_value',
            denominator_value='denominator_value',
            student_year_id='student_year_id',
            breakdown_type="'subject_achievement_level'",
            breakdown_value='subject_achievement_level'
        ) }}
    from measured
)

select * from final
