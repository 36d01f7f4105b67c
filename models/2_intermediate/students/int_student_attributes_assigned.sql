{#-
    Everything the Dashboard student groups need about a student-year, on the spine of
    every student-year a fact refers to. A student without a demographics (SINF) record
    keeps every fact and counts in ALL: race/ethnicity is 'unknown', group flags false,
    has_demographics_record false. SED (any time in the year): a qualifying program
    (free or reduced-price meal, migrant, homeless, foster: program_codes seed) or the
    parent-education rule.
    Grain: one row per LEA x student x school year.
-#}

with

student_years as (
    select * from {{ ref('int_student_years_spined') }}
),

lea_enrollments as (
    select * from {{ ref('int_lea_enrollments_summarized') }}
),

latest_enrollment_records as (
    select
        lea_code,
        ssid,
        school_year,
        gender_code,
        row_number() over (
            partition by lea_code, ssid, school_year
            order by enrollment_start_date desc, source_line_number desc
        ) as recency_rank
    from {{ ref('stg_calpads__enrollments') }}
),

demographics as (
    select * from {{ ref('int_student_demographics_latest') }}
),

race_ethnicities as (
    select * from {{ ref('int_student_race_ethnicities_assigned') }}
),

programs as (
    select * from {{ ref('int_student_programs_summarized') }}
),

english_learners as (
    select * from {{ ref('int_student_english_learner_statuses_assigned') }}
),

disabilities as (
    select * from {{ ref('int_student_disabilities_summarized') }}
),

other_school_records as (
    -- the school of a student known only from another extract (no enrolment record)
    select lea_code, ssid, school_year, min(school_code) as school_code
    from {{ ref('stg_calpads__absence_summaries') }}
    group by lea_code, ssid, school_year
),

final as (
    select
        student_years.student_id,
        student_years.lea_code,
        student_years.ssid,
        student_years.school_year,
        student_years.has_enrollment_record,
        lea_enrollments.grade_level_code,
        coalesce(lea_enrollments.primary_school_code, other_school_records.school_code) as primary_school_code,
        coalesce(lea_enrollments.is_enrolled_on_census_day, false) as is_enrolled_on_census_day,
        coalesce(lea_enrollments.is_cumulatively_enrolled, false) as is_cumulatively_enrolled,
        demographics.ssid is not null as has_demographics_record,
        coalesce(demographics.gender_code, latest_enrollment_records.gender_code, 'unknown') as gender_code,
        coalesce(race_ethnicities.race_ethnicity_code, 'unknown') as race_ethnicity_code,
        coalesce(race_ethnicities.is_hispanic, false) as is_hispanic,
        coalesce(race_ethnicities.has_blank_race_ethnicity, false) as has_blank_race_ethnicity,
        coalesce(programs.has_sed_qualifying_program, false) as has_sed_qualifying_program,
        coalesce(demographics.meets_parent_education_rule, false) as meets_parent_education_rule,
        coalesce(programs.has_sed_qualifying_program, false)
            or coalesce(demographics.meets_parent_education_rule, false) as is_socioeconomically_disadvantaged,
        coalesce(programs.is_free_or_reduced_meal_eligible, false) as is_free_or_reduced_meal_eligible,
        coalesce(programs.is_migrant, false) as is_migrant,
        coalesce(programs.is_homeless, false) as is_homeless,
        coalesce(programs.is_foster_youth, false) as is_foster_youth,
        coalesce(programs.has_section_504_plan, false) as has_section_504_plan,
        coalesce(english_learners.elas_code, 'unknown') as elas_code,
        coalesce(english_learners.is_english_learner, false) as is_english_learner,
        coalesce(english_learners.is_reclassified_within_lookback, false) as is_reclassified_within_lookback,
        coalesce(english_learners.is_long_term_english_learner, false) as is_long_term_english_learner,
        coalesce(english_learners.elas_code = 'EO', false) as is_english_only,
        english_learners.reclassified_date,
        english_learners.english_learner_clock_start_date,
        disabilities.ssid is not null as is_student_with_disability,
        disabilities.primary_disability_code,
        coalesce(disabilities.took_alternate_assessment, false) as took_alternate_assessment
    from student_years
    left join lea_enrollments
        on {{ k12_same_student_year('student_years', 'lea_enrollments', student='ssid') }}
    left join other_school_records
        on {{ k12_same_student_year('student_years', 'other_school_records', student='ssid') }}
    left join latest_enrollment_records
        on {{ k12_same_student_year('student_years', 'latest_enrollment_records', student='ssid') }}
        and latest_enrollment_records.recency_rank = 1
    left join demographics
        on {{ k12_same_student_year('student_years', 'demographics', student='ssid') }}
    left join race_ethnicities
        on {{ k12_same_student_year('student_years', 'race_ethnicities', student='ssid') }}
    left join programs
        on {{ k12_same_student_year('student_years', 'programs', student='ssid') }}
    left join english_learners
        on {{ k12_same_student_year('student_years', 'english_learners', student='ssid') }}
    left join disabilities
        on {{ k12_same_student_year('student_years', 'disabilities', student='ssid') }}
)

select * from final
