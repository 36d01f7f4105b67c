{#-
    Race/ethnicity by the Dashboard assignment rules (2025 Technical Guide, Introduction):
    1. Hispanic indicator Y -> HI, whatever the race codes;
    2. otherwise the race codes (up to five) roll up to Dashboard groups (race_codes seed:
       2xx Asian, 3xx Pacific Islander); exactly one group -> that group (Chinese plus
       Korean is Asian, not two or more);
    3. more than one group -> MR (two or more races);
    4. nothing reported -> no race group (race_ethnicity_code is NULL and
       has_blank_race_ethnicity is true). The Chronic Absenteeism and Suspension
       indicators count these students as MR; bridge_student_group carries that exception.
    Codes not in the seed are ignored here (`k12 check` reports them).
    Grain: one row per LEA x student x school year that has a SINF record.
-#}

with

demographics as (
    select * from {{ ref('int_student_demographics_latest') }}
),

race_codes as (
    select * from {{ ref('race_codes') }}
),

race_entries as (
    select lea_code, ssid, school_year, race_1_code as race_code from demographics
    union all
    select lea_code, ssid, school_year, race_2_code from demographics
    union all
    select lea_code, ssid, school_year, race_3_code from demographics
    union all
    select lea_code, ssid, school_year, race_4_code from demographics
    union all
    select lea_code, ssid, school_year, race_5_code from demographics
),

race_groups as (
    select
        race_entries.lea_code,
        race_entries.ssid,
        race_entries.school_year,
        count(distinct race_codes.dashboard_race_group_code) as race_group_count,
        min(race_codes.dashboard_race_group_code) as only_race_group_code
    from race_entries
    inner join race_codes
        on race_entries.race_code = race_codes.race_code
    group by race_entries.lea_code, race_entries.ssid, race_entries.school_year
),

final as (
    select
        demographics.lea_code,
        demographics.ssid,
        demographics.school_year,
        coalesce(demographics.is_hispanic, false) as is_hispanic,
        coalesce(race_groups.race_group_count, 0) as race_group_count,
        case
            when demographics.is_hispanic then 'HI'
            when race_groups.race_group_count = 1 then race_groups.only_race_group_code
            when race_groups.race_group_count > 1 then 'MR'
        end as race_ethnicity_code,
        not coalesce(demographics.is_hispanic, false)
            and coalesce(race_groups.race_group_count, 0) = 0 as has_blank_race_ethnicity
    from demographics
    left join race_groups
        on {{ k12_same_student_year('demographics', 'race_groups', student='ssid') }}
)

select * from final
