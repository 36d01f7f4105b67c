{#-
    Discipline in a PBIS view per student (docs/indicators.md):
    - population (breakdown none): cumulative enrolment in a grade of var
      k12:suspension_grade_levels, at the school and in the LEA, as for the Suspension Rate;
    - a referral: a student's incident with an offense (fct_discipline.main_offense_code); a
      suspension: an in-school or out-of-school suspension result, any duration;
    - DISC_REFERRAL / DISC_SUSPENSION numerator: the student has at least one referral /
      suspension (at that school, or anywhere in the LEA); event_count: how many;
    - breakdowns offense_category (PBIS category of the main offense), offense_code and
      location (incident location; 'unknown' when blank): one row per student and value
      with a referral / suspension there (numerator 1, no denominator): the denominator of
      every breakdown value is the population's (int_indicator_results_aggregated).
-#}

with

school_enrollments as (
    select * from {{ ref('int_school_enrollments_summarized') }}
    where {{ k12_in_suspension_population() }}
),

lea_enrollments as (
    select * from {{ ref('int_lea_enrollments_summarized') }}
    where {{ k12_in_suspension_population() }}
),

discipline as (
    select * from {{ ref('fct_discipline') }}
),

events as (
    -- referrals: one per student and incident with an offense
    select distinct
        'DISC_REFERRAL' as indicator_code,
        lea_code,
        school_code,
        student_id,
        school_year,
        incident_id,
        cast(null as {{ dbt.type_string() }}) as incident_result_code,
        coalesce(main_offense_pbis_category, 'unknown') as offense_category,
        coalesce(main_offense_code, 'unknown') as offense_code,
        coalesce(incident_location, 'unknown') as location
    from discipline
    where main_offense_code is not null

    union all

    -- suspensions: one per suspension result
    select
        'DISC_SUSPENSION' as indicator_code,
        lea_code,
        school_code,
        student_id,
        school_year,
        incident_id,
        incident_result_code,
        coalesce(main_offense_pbis_category, 'unknown') as offense_category,
        coalesce(main_offense_code, 'unknown') as offense_code,
        coalesce(incident_location, 'unknown') as location
    from discipline
    where is_suspension
),

events_by_breakdown as (
    select indicator_code, lea_code, school_code, student_id, school_year, 'none' as breakdown_type, 'all' as breakdown_value
    from events
    union all
    select indicator_code, lea_code, school_code, student_id, school_year, 'offense_category', offense_category
    from events
    union all
    select indicator_code, lea_code, school_code, student_id, school_year, 'offense_code', offense_code
    from events
    union all
    select indicator_code, lea_code, school_code, student_id, school_year, 'location', location
    from events
),

school_counts as (
    select indicator_code, lea_code, school_code, student_id, school_year, breakdown_type, breakdown_value, count(*) as event_count
    from events_by_breakdown
    group by indicator_code, lea_code, school_code, student_id, school_year, breakdown_type, breakdown_value
),

lea_counts as (
    select indicator_code, lea_code, student_id, school_year, breakdown_type, breakdown_value, count(*) as event_count
    from events_by_breakdown
    group by indicator_code, lea_code, student_id, school_year, breakdown_type, breakdown_value
),

indicators as (
    select 'DISC_REFERRAL' as indicator_code
    union all
    select 'DISC_SUSPENSION' as indicator_code
),

school_populations as (
    select indicators.indicator_code, lea_code, school_code, student_id, school_year
    from school_enrollments
    cross join indicators
),

lea_populations as (
    select indicators.indicator_code, lea_code, student_id, school_year
    from lea_enrollments
    cross join indicators
),

combined as (
    -- the population (breakdown none), with the student's events
    select
        'school' as entity_type,
        school_populations.indicator_code,
        school_populations.lea_code,
        school_populations.school_code,
        school_populations.student_id,
        school_populations.school_year,
        'none' as breakdown_type,
        'all' as breakdown_value,
        case when coalesce(school_counts.event_count, 0) > 0 then 1 else 0 end as numerator_value,
        1 as denominator_value,
        1 as student_count,
        coalesce(school_counts.event_count, 0) as event_count
    from school_populations
    left join school_counts
        on school_populations.indicator_code = school_counts.indicator_code
        and school_populations.lea_code = school_counts.lea_code
        and school_populations.school_code = school_counts.school_code
        and school_populations.student_id = school_counts.student_id
        and school_populations.school_year = school_counts.school_year
        and school_counts.breakdown_type = 'none'

    union all

    select
        'lea' as entity_type,
        lea_populations.indicator_code,
        lea_populations.lea_code,
        cast(null as {{ dbt.type_string() }}) as school_code,
        lea_populations.student_id,
        lea_populations.school_year,
        'none' as breakdown_type,
        'all' as breakdown_value,
        case when coalesce(lea_counts.event_count, 0) > 0 then 1 else 0 end as numerator_value,
        1 as denominator_value,
        1 as student_count,
        coalesce(lea_counts.event_count, 0) as event_count
    from lea_populations
    left join lea_counts
        on lea_populations.indicator_code = lea_counts.indicator_code
        and lea_populations.lea_code = lea_counts.lea_code
        and lea_populations.student_id = lea_counts.student_id
        and lea_populations.school_year = lea_counts.school_year
        and lea_counts.breakdown_type = 'none'

    union all

    -- numerator-only rows of students in the population with an event of the value
    select
        'school' as entity_type,
        school_counts.indicator_code,
        school_counts.lea_code,
        school_counts.school_code,
        school_counts.student_id,
        school_counts.school_year,
        school_counts.breakdown_type,
        school_counts.breakdown_value,
        1 as numerator_value,
        0 as denominator_value,
        0 as student_count,
        school_counts.event_count
    from school_counts
    inner join school_populations
        on school_counts.indicator_code = school_populations.indicator_code
        and school_counts.lea_code = school_populations.lea_code
        and school_counts.school_code = school_populations.school_code
        and school_counts.student_id = school_populations.student_id
        and school_counts.school_year = school_populations.school_year
    where school_counts.breakdown_type <> 'none'

    union all

    select
        'lea' as entity_type,
        lea_counts.indicator_code,
        lea_counts.lea_code,
        cast(null as {{ dbt.type_string() }}) as school_code,
        lea_counts.student_id,
        lea_counts.school_year,
        lea_counts.breakdown_type,
        lea_counts.breakdown_value,
        1 as numerator_value,
        0 as denominator_value,
        0 as student_count,
        lea_counts.event_count
    from lea_counts
    inner join lea_populations
        on lea_counts.indicator_code = lea_populations.indicator_code
        and lea_counts.lea_code = lea_populations.lea_code
        and lea_counts.student_id = lea_populations.student_id
        and lea_counts.school_year = lea_populations.school_year
    where lea_counts.breakdown_type <> 'none'
),

final as (
    select
        {{ k12_indicator_row(
            numerator_value='numerator_value',
            denominator_value='denominator_value',
            student_count='student_count',
            breakdown_type='breakdown_type',
            breakdown_value='breakdown_value',
            event_count='event_count'
        ) }}
    from combined
)

select * from final
