{#-
    The test-based indicators per student (2025 Dashboard Academic guide; CAASPP):
    - ELA and MATH (average distance from standard): each CAASPP record of a grade in var
      k12:academic_grades_assessed counts toward participation at the school where the
      student tested and in the LEA (enrolled: every record, except ELA records of EL
      newcomers or with include indicator E; tested: counts_as_tested_for_participation),
      and toward the distance from standard when it has one (scale score, LOSS or CAA
      top-of-range), the student is continuously enrolled at that school / in the LEA, and
      is not an EL newcomer. The 95% participation penalty is applied per group after
      aggregation (int_indicator_results_aggregated).
    - ELA_MET and MATH_MET: students with a Smarter Balanced scale score, Level 3 or 4 over
      all levels (at the school where they tested; no continuous-enrolment rule).
    - ELA3_MET: ELA_MET for grade var k12:third_grade_reading_grade_assessed (3).
-#}

with

results as (
    select * from {{ ref('fct_assessment_results') }}
    where subject_code in ('ELA', 'MATH')
        and grade_assessed in ({{ var('k12:academic_grades_assessed') | join(', ') }})
),

entities as (
    -- a record counts at the school where the student tested and in the LEA
    select 'school' as entity_type
    union all
    select 'lea' as entity_type
),

by_entity as (
    select
        entities.entity_type,
        results.lea_code,
        case when entities.entity_type = 'school' then results.school_code end as school_code,
        results.student_year_id,
        results.school_year,
        results.subject_code,
        results.grade_assessed,
        results.include_indicator,
        results.counts_as_tested_for_participation,
        results.distance_from_standard,
        results.distance_from_standard_basis,
        results.is_met_or_exceeded_standard,
        results.is_english_learner_newcomer,
        case when entities.entity_type = 'school' then results.is_continuously_enrolled_at_school
            else results.is_continuously_enrolled_in_lea
        end as is_continuously_enrolled
    from results
    cross join entities
),

flagged as (
    select
        *,
        distance_from_standard is not null
            and is_continuously_enrolled
            and not is_english_learner_newcomer as counts_in_distance,
        not (subject_code = 'ELA' and (is_english_learner_newcomer or coalesce(include_indicator, '') = 'E'))
            as counts_in_participation,
        distance_from_standard_basis = 'scale_score' as has_smarter_balanced_score
    from by_entity
),

distance as (
    select
        subject_code as indicator_code,
        school_year,
        entity_type,
        lea_code,
        school_code,
        student_year_id,
        cast(case when counts_in_distance then distance_from_standard else 0 end as double) as numerator_value,
        cast(case when counts_in_distance then 1 else 0 end as double) as denominator_value,
        case when counts_in_distance then 1 else 0 end as student_count,
        case when counts_in_participation then 1 else 0 end as participation_enrolled,
        case when counts_in_participation and counts_as_tested_for_participation then 1 else 0 end as participation_tested
    from flagged
    where counts_in_distance or counts_in_participation
),

met_indicators as (
    -- a Smarter Balanced score counts in its subject's percent met (ELA_MET, MATH_MET) and, for
    -- ELA in grade var k12:third_grade_reading_grade_assessed, in third-grade reading too
    select 'subject' as met_indicator
    union all
    select 'third_grade_reading' as met_indicator
),

met as (
    select
        case met_indicators.met_indicator
            when 'subject' then {{ dbt.concat(['flagged.subject_code', "'_MET'"]) }}
            else 'ELA3_MET'
        end as indicator_code,
        flagged.school_year,
        flagged.entity_type,
        flagged.lea_code,
        flagged.school_code,
        flagged.student_year_id,
        cast(case when flagged.is_met_or_exceeded_standard then 1 else 0 end as double) as numerator_value,
        cast(1 as double) as denominator_value,
        1 as student_count,
        0 as participation_enrolled,
        0 as participation_tested
    from flagged
    cross join met_indicators
    where flagged.has_smarter_balanced_score
        and (
            met_indicators.met_indicator = 'subject'
            or (flagged.subject_code = 'ELA'
                and flagged.grade_assessed = {{ var('k12:third_grade_reading_grade_assessed') }})
        )
),

combined as (
    select * from distance
    union all
    select * from met
),

final as (
    select
        {{ k12_indicator_row(
            numerator_value='numerator_value',
            denominator_value='denominator_value',
            student_count='student_count',
            student_year_id='student_year_id',
            participation_enrolled='participation_enrolled',
            participation_tested='participation_tested'
        ) }}
    from combined
)

select * from final
