{#-
    CAASPP results with the Academic indicator's student-level rules (2025 Dashboard
    Academic guide; docs/indicators.md):
    - distance from standard = scale score - lowest Level 3 score of the grade and subject;
    - a Smarter Balanced record that counts as tested but has no score gets the lowest
      obtainable scale score (LOSS);
    - a CAA level 1-3 is replaced by the top scale score of the same Smarter Balanced level
      ("top of the range");
    - continuous enrolment from Census Day to the first log-on (test start date), with no
      gap over 30 days, at the school and at the LEA;
    - an EL newcomer (first US school enrolment after April 15 of the previous year) is
      flagged; the indicator leaves them out of distance from standard.
    When a student has two records for a subject in a year, the one with a score (then the
    Smarter Balanced one, then the latest) is kept. Science records (CAST, CAA science) are
    kept without a distance from standard; a record type outside the seed has subject
    'unknown'.
-#}

with

test_scores as (
    select * from {{ ref('stg_caaspp__test_scores') }}
),

student_ids as (
    select * from {{ ref('int_student_ids_assigned') }}
),

assessments as (
    select * from {{ ref('dim_assessment') }}
),

include_indicators as (
    select * from {{ ref('caaspp_include_indicators') }}
),

record_types as (
    select * from {{ ref('caaspp_record_types') }}
),

periods as (
    select * from {{ ref('int_enrollment_periods_merged') }}
),

attributes as (
    select * from {{ ref('int_student_attributes_assigned') }}
),

demographics as (
    select * from {{ ref('int_student_demographics_latest') }}
),

described as (
    select
        test_scores.*,
        student_ids.student_id,
        assessments.assessment_key,
        coalesce(record_types.subject_code, 'unknown') as subject_code,
        coalesce(record_types.test_family, 'unknown') as test_family,
        coalesce(record_types.is_smarter_balanced, false) as is_smarter_balanced,
        coalesce(record_types.is_alternate_assessment, false) as is_alternate_assessment,
        assessments.standard_met_scale_score,
        assessments.lowest_obtainable_scale_score,
        assessments.level_1_top_scale_score,
        assessments.level_2_top_scale_score,
        assessments.level_3_top_scale_score,
        coalesce(include_indicators.is_tested_complete, false) as is_tested_complete,
        coalesce(include_indicators.counts_as_tested_for_participation, false) as counts_as_tested_for_participation,
        {{ k12_census_day('test_scores.school_year') }} as census_day
    from test_scores
    inner join student_ids
        on {{ k12_same_student('test_scores', 'student_ids', student='ssid') }}
    left join record_types
        on test_scores.caaspp_record_type = record_types.caaspp_record_type
    left join assessments
        on test_scores.caaspp_record_type = assessments.caaspp_record_type
        and {{ k12_to_number('test_scores.grade_assessed_code', 'integer') }} = assessments.grade_assessed
    left join include_indicators
        on test_scores.include_indicator = include_indicators.include_indicator
),

ranked as (
    select
        *,
        row_number() over (
            partition by lea_code, ssid, school_year, subject_code
            order by
                case when scale_score is not null or achievement_level in ('1', '2', '3', '4') then 0 else 1 end,
                case when is_smarter_balanced then 0 else 1 end,
                test_completed_date desc,
                source_line_number desc
        ) as record_rank
    from described
),

scored as (
    select
        *,
        case
            when is_smarter_balanced and scale_score is not null then scale_score
            when is_smarter_balanced and counts_as_tested_for_participation then lowest_obtainable_scale_score
            when is_alternate_assessment and achievement_level = '1' then level_1_top_scale_score
            when is_alternate_assessment and achievement_level = '2' then level_2_top_scale_score
            when is_alternate_assessment and achievement_level = '3' then level_3_top_scale_score
        end as accountability_scale_score,
        case
            when is_smarter_balanced and scale_score is not null then 'scale_score'
            when is_smarter_balanced and counts_as_tested_for_participation then 'lowest_obtainable_scale_score'
            when is_alternate_assessment and achievement_level in ('1', '2', '3') then 'alternate_assessment_top_of_range'
        end as distance_from_standard_basis
    from ranked
    where record_rank = 1
),

continuity as (
    select
        scored.lea_code,
        scored.ssid,
        scored.school_year,
        scored.subject_code,
        max(case when periods.entity_level = 'school' and periods.entity_code = scored.school_code then 1 else 0 end) = 1
            as is_continuously_enrolled_at_school,
        max(case when periods.entity_level = 'lea' then 1 else 0 end) = 1
            as is_continuously_enrolled_in_lea
    from scored
    inner join periods
        on {{ k12_same_student_year('scored', 'periods', student='ssid') }}
        and periods.period_start_date <= scored.census_day
        and periods.period_end_date >= scored.test_start_date
    group by scored.lea_code, scored.ssid, scored.school_year, scored.subject_code
),

final as (
    select
        {{ k12_surrogate_key(['scored.lea_code', 'scored.ssid', 'scored.school_year', 'scored.subject_code']) }} as assessment_result_id,
        {{ k12_fact_keys('scored.student_id', 'scored') }},
        scored.assessment_key,
        scored.subject_code,
        scored.test_family,
        scored.caaspp_record_type,
        {{ k12_to_number('scored.grade_assessed_code', 'integer') }} as grade_assessed,
        scored.test_start_date,
        scored.test_completed_date,
        scored.condition_code,
        scored.include_indicator,
        scored.is_tested_complete,
        scored.counts_as_tested_for_participation,
        scored.scale_score,
        scored.achievement_level,
        scored.achievement_level in ('3', '4') and scored.is_smarter_balanced as is_met_or_exceeded_standard,
        scored.accountability_scale_score,
        scored.distance_from_standard_basis,
        scored.accountability_scale_score - scored.standard_met_scale_score as distance_from_standard,
        coalesce(continuity.is_continuously_enrolled_at_school, false) as is_continuously_enrolled_at_school,
        coalesce(continuity.is_continuously_enrolled_in_lea, false) as is_continuously_enrolled_in_lea,
        coalesce(
            attributes.is_english_learner
                and demographics.initial_us_school_enrollment_date
                    > {{ k12_make_date('scored.school_year - 1', var('k12:el_newcomer_cutoff_month'), var('k12:el_newcomer_cutoff_day')) }},
            false
        ) as is_english_learner_newcomer
    from scored
    left join continuity
        on {{ k12_same_student_year('scored', 'continuity', student='ssid') }}
        and scored.subject_code = continuity.subject_code
    left join attributes
        on {{ k12_same_student_year('scored', 'attributes', student='ssid') }}
    left join demographics
        on {{ k12_same_student_year('scored', 'demographics', student='ssid') }}
)

select * from final
