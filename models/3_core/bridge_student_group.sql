{#-
    Which Dashboard student groups each student belongs to in a school year, so that any
    indicator is disaggregated by joining this bridge (a new attribute becomes a new group
    here, without touching the facts). Membership follows the Dashboard rules, and two of
    them differ by indicator, so each row says where it applies:
    - applies_to_academic_indicators: Academic (ELA/math distance from standard and the
      other test-based indicators). EL includes students reclassified within four years;
      ELO, RFP and EO are the Academic indicator's informational groups; a student with
      no race reported is in no race group.
    - applies_to_other_indicators: Chronic Absenteeism, Suspension and the others. EL is
      EL at any time in the year; a student with no race reported counts as MR.
    Grain: one row per student x school year x student group.
-#}

with

students as (
    select * from {{ ref('dim_student') }}
),

memberships as (
    select student_year_id, student_id, lea_code, school_year, 'ALL' as student_group_code,
        true as applies_to_academic_indicators, true as applies_to_other_indicators
    from students

    union all

    -- race/ethnicity: reported races everywhere
    select student_year_id, student_id, lea_code, school_year, race_ethnicity_code,
        true, true
    from students
    where race_ethnicity_code <> 'unknown'

    union all

    -- nothing reported: Two or More Races for Chronic Absenteeism and Suspension only
    select student_year_id, student_id, lea_code, school_year, 'MR',
        false, true
    from students
    where has_blank_race_ethnicity

    union all

    -- English learners: EL at any time in the year; the Academic indicator adds RFEP within four years
    select student_year_id, student_id, lea_code, school_year, 'EL',
        true, is_english_learner
    from students
    where is_english_learner or is_reclassified_within_lookback

    union all

    select student_year_id, student_id, lea_code, school_year, 'ELO',
        true, false
    from students
    where is_english_learner

    union all

    select student_year_id, student_id, lea_code, school_year, 'RFP',
        true, false
    from students
    where is_reclassified_within_lookback

    union all

    select student_year_id, student_id, lea_code, school_year, 'EO',
        true, false
    from students
    where is_english_only

    union all

    select student_year_id, student_id, lea_code, school_year, 'LTEL',
        true, true
    from students
    where is_long_term_english_learner

    union all

    select student_year_id, student_id, lea_code, school_year, 'SED',
        true, true
    from students
    where is_socioeconomically_disadvantaged

    union all

    select student_year_id, student_id, lea_code, school_year, 'SWD',
        true, true
    from students
    where is_student_with_disability

    union all

    select student_year_id, student_id, lea_code, school_year, 'FOS',
        true, true
    from students
    where is_foster_youth

    union all

    select student_year_id, student_id, lea_code, school_year, 'HOM',
        true, true
    from students
    where is_homeless
),

final as (
    select
        student_year_id,
        student_id,
        lea_code,
        school_year,
        student_group_code,
        applies_to_academic_indicators,
        applies_to_other_indicators
    from memberships
)

select * from final
