{#-
    Each CAASPP test by grade, with the scale-score points the Academic indicator uses:
    the lowest Level 3 score (the standard: distance from standard = scale score minus
    it), the lowest obtainable score (LOSS, given to a Smarter Balanced record without a
    score) and the top of Levels 1-3 (a CAA level is replaced by the top of the same
    Smarter Balanced level). From the caaspp_scale_score_ranges seed.
-#}

with

record_types as (
    select * from {{ ref('caaspp_record_types') }}
    where subject_code in ('ELA', 'MATH')
),

ranges as (
    select * from {{ ref('caaspp_scale_score_ranges') }}
),

by_grade as (
    select
        subject_code,
        grade_assessed,
        min(case when achievement_level = '1' then min_scale_score end) as lowest_obtainable_scale_score,
        max(case when achievement_level = '4' then max_scale_score end) as highest_obtainable_scale_score,
        min(case when achievement_level = '3' then min_scale_score end) as standard_met_scale_score,
        max(case when achievement_level = '1' then max_scale_score end) as level_1_top_scale_score,
        max(case when achievement_level = '2' then max_scale_score end) as level_2_top_scale_score,
        max(case when achievement_level = '3' then max_scale_score end) as level_3_top_scale_score,
        min(case when achievement_level = '2' then min_scale_score end) as level_2_minimum_scale_score,
        min(case when achievement_level = '4' then min_scale_score end) as level_4_minimum_scale_score
    from ranges
    group by subject_code, grade_assessed
),

final as (
    select
        {{ dbt.concat(['record_types.caaspp_record_type', "'-'", "cast(by_grade.grade_assessed as " ~ dbt.type_string() ~ ")"]) }} as assessment_key,
        record_types.caaspp_record_type,
        record_types.caaspp_record_type_name,
        record_types.subject_code,
        record_types.test_family,
        record_types.is_smarter_balanced,
        record_types.is_alternate_assessment,
        by_grade.grade_assessed,
        by_grade.standard_met_scale_score,
        by_grade.lowest_obtainable_scale_score,
        by_grade.highest_obtainable_scale_score,
        by_grade.level_2_minimum_scale_score,
        by_grade.level_4_minimum_scale_score,
        by_grade.level_1_top_scale_score,
        by_grade.level_2_top_scale_score,
        by_grade.level_3_top_scale_score
    from record_types
    inner join by_grade
        on record_types.subject_code = by_grade.subject_code
)

select * from final
