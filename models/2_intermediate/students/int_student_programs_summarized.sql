{#-
    Program memberships that overlap the school year (start on or before its last day,
    end empty or on or after its first day): "any time in the year", as the Dashboard
    rules for SED, Homeless and Foster Youth require. The flags come from the
    program_codes seed (181/182 meals, 135 migrant, 191 homeless, 193 foster, 101 504).
    Grain: one row per LEA x student x school year with at least one such membership.
-#}

with

memberships as (
    select * from {{ ref('stg_calpads__program_memberships') }}
),

programs as (
    select * from {{ ref('program_codes') }}
),

in_year as (
    select
        memberships.lea_code,
        memberships.ssid,
        memberships.school_year,
        programs.*
    from memberships
    inner join programs
        on memberships.education_program_code = programs.education_program_code
    where {{ k12_in_effect_during_school_year('memberships.program_start_date', 'memberships.program_end_date',
        'memberships.school_year') }}
),

final as (
    select
        lea_code,
        ssid,
        school_year,
        max(case when qualifies_for_socioeconomically_disadvantaged then 1 else 0 end) = 1 as has_sed_qualifying_program,
        max(case when indicates_free_or_reduced_meal then 1 else 0 end) = 1 as is_free_or_reduced_meal_eligible,
        max(case when indicates_migrant then 1 else 0 end) = 1 as is_migrant,
        max(case when indicates_homeless then 1 else 0 end) = 1 as is_homeless,
        max(case when indicates_foster then 1 else 0 end) = 1 as is_foster_youth,
        max(case when indicates_section_504 then 1 else 0 end) = 1 as has_section_504_plan
    from in_year
    group by lea_code, ssid, school_year
)

select * from final
