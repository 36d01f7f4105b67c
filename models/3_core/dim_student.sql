with

attributes as (
    select * from {{ ref('int_student_attributes_assigned') }}
),

grade_levels as (
    select * from {{ ref('grade_levels') }}
),

student_groups as (
    select * from {{ ref('student_groups') }}
),

final as (
    select
        {{ k12_student_year_id('attributes.student_id', 'attributes.school_year') }} as student_year_id,
        attributes.student_id,
        attributes.lea_code,
        attributes.school_year,
        attributes.grade_level_code,
        grade_levels.numeric_grade,
        attributes.primary_school_code,
        {{ k12_school_key('attributes.lea_code', 'attributes.primary_school_code') }} as primary_school_key,
        attributes.has_enrollment_record,
        attributes.is_enrolled_on_census_day,
        attributes.is_cumulatively_enrolled,
        attributes.has_demographics_record,
        attributes.gender_code,
        attributes.race_ethnicity_code,
        coalesce(student_groups.student_group_name, 'Unknown (no race or ethnicity reported)') as race_ethnicity_name,
        attributes.is_hispanic,
        attributes.has_blank_race_ethnicity,
        attributes.is_socioeconomically_disadvantaged,
        attributes.has_sed_qualifying_program,
        attributes.meets_parent_education_rule,
        attributes.is_free_or_reduced_meal_eligible,
        attributes.is_migrant,
        attributes.is_homeless,
        attributes.is_foster_youth,
        attributes.has_section_504_plan,
        attributes.elas_code,
        attributes.is_english_learner,
        attributes.is_reclassified_within_lookback,
        attributes.is_long_term_english_learner,
        attributes.is_english_only,
        attributes.is_student_with_disability,
        attributes.primary_disability_code,
        attributes.took_alternate_assessment
    from attributes
    left join grade_levels
        on attributes.grade_level_code = grade_levels.grade_level_code
    left join student_groups
        on attributes.race_ethnicity_code = student_groups.student_group_code
)

select * from final
