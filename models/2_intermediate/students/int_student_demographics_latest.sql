{#-
    The student's latest demographics (SINF) record of each school year: the record with
    the latest effective start date in that year's file (the later line breaks a tie), as
    the Dashboard uses the latest SINF record for race/ethnicity. The parent-education
    rule of SED looks at every record of the year: both parents "not a high-school
    graduate" (parent_education_levels.is_not_high_school_graduate, code 14), or the
    only parent reported is. A parent with "decline to state" (15) counts as reported.
    Grain: one row per LEA x student x school year that has a SINF record.
-#}

with

demographics as (
    select * from {{ ref('stg_calpads__student_demographics') }}
),

education_levels as (
    select * from {{ ref('parent_education_levels') }}
),

ranked as (
    select
        *,
        row_number() over (
            partition by lea_code, ssid, school_year
            order by effective_start_date desc, source_line_number desc
        ) as recency_rank
    from demographics
),

parent_rule as (
    select
        demographics.lea_code,
        demographics.ssid,
        demographics.school_year,
        max(
            case
                when demographics.parent_1_education_level_code is not null
                    and demographics.parent_2_education_level_code is not null
                    and coalesce(parent_1.is_not_high_school_graduate, false)
                    and coalesce(parent_2.is_not_high_school_graduate, false) then 1
                when demographics.parent_1_education_level_code is not null
                    and demographics.parent_2_education_level_code is null
                    and coalesce(parent_1.is_not_high_school_graduate, false) then 1
                when demographics.parent_1_education_level_code is null
                    and demographics.parent_2_education_level_code is not null
                    and coalesce(parent_2.is_not_high_school_graduate, false) then 1
                else 0
            end
        ) = 1 as meets_parent_education_rule
    from demographics
    left join education_levels as parent_1
        on demographics.parent_1_education_level_code = parent_1.parent_education_level_code
    left join education_levels as parent_2
        on demographics.parent_2_education_level_code = parent_2.parent_education_level_code
    group by demographics.lea_code, demographics.ssid, demographics.school_year
),

final as (
    select
        ranked.lea_code,
        ranked.ssid,
        ranked.school_year,
        ranked.effective_start_date,
        ranked.gender_code,
        ranked.birth_date,
        ranked.is_hispanic,
        ranked.race_1_code,
        ranked.race_2_code,
        ranked.race_3_code,
        ranked.race_4_code,
        ranked.race_5_code,
        ranked.initial_us_school_enrollment_date,
        ranked.parent_1_education_level_code,
        ranked.parent_2_education_level_code,
        parent_rule.meets_parent_education_rule
    from ranked
    inner join parent_rule
        on {{ k12_same_student_year('ranked', 'parent_rule', student='ssid') }}
    where ranked.recency_rank = 1
)

select * from final
