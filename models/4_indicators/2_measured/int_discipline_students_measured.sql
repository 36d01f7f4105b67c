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

enrollments as (
    select * from {{ ref('int_indicator_enrollments_listed') }}
    where {{ k12_in_suspension_population() }}
),

discipline as (
    select * from {{ ref('fct_discipline') }}
),

indicators as (
    select 'DISC_REFERRAL' as indicator_code
    union all
    select 'DISC_SUSPENSION' as indicator_code
),

referrals as (
    -- one per student and incident with an offense (an incident has a row per result)
    select distinct
        lea_code, school_code, student_id, school_year, incident_id, main_offense_pbis_category, main_offense_code,
        incident_location
    from discipline
    where main_offense_code is not null
),

events as (
    select 'DISC_REFERRAL' as indicator_code, lea_code, school_code, student_id, school_year,
        main_offense_pbis_category, main_offense_code, incident_location
    from referrals

    union all

    -- suspensions: one per suspension result
    select 'DISC_SUSPENSION' as indicator_code, lea_code, school_code, student_id, school_year,
        main_offense_pbis_category, main_offense_code, incident_location
    from discipline
    where is_suspension
),

events_by_breakdown as (
    select indicator_code, lea_code, school_code, student_id, school_year, 'none' as breakdown_type, 'all' as breakdown_value
    from events
    union all
    select indicator_code, lea_code, school_code, student_id, school_year, 'offense_category', coalesce(main_offense_pbis_category, 'unknown')
    from events
    union all
    select indicator_code, lea_code, school_code, student_id, school_year, 'offense_code', coalesce(main_offense_code, 'unknown')
    from events
    union all
    select indicator_code, lea_code, school_code, student_id, school_year, 'location', coalesce(incident_location, 'unknown')
    from events
),

events_at_entities as (
    -- each event counted at its school and in the LEA
    {{ k12_records_at_entities('events_by_breakdown') }}
),

population as (
    select
        indicators.indicator_code,
        enrollments.entity_type,
        enrollments.lea_code,
        enrollments.school_code,
        enrollments.student_id,
        enrollments.school_year
    from enrollments
    cross join indicators
),

counted as (
    -- each student of the population once with breakdown none (and its events there, if any),
    -- and once per other breakdown value it has events of
    select
        population.indicator_code,
        population.entity_type,
        population.lea_code,
        population.school_code,
        population.student_id,
        population.school_year,
        coalesce(events_at_entities.breakdown_type, 'none') as breakdown_type,
        coalesce(events_at_entities.breakdown_value, 'all') as breakdown_value,
        count(events_at_entities.indicator_code) as event_count
    from population
    left join events_at_entities
        on population.indicator_code = events_at_entities.indicator_code
        and {{ k12_same_student_year('population', 'events_at_entities') }}
        and {{ k12_counts_at_entity('population', 'events_at_entities') }}
    group by population.indicator_code, population.entity_type, population.lea_code, population.school_code,
        population.student_id, population.school_year, coalesce(events_at_entities.breakdown_type, 'none'),
        coalesce(events_at_entities.breakdown_value, 'all')
),

final as (
    select
        {{ k12_indicator_row(
            numerator_value='event_count > 0',
            denominator_value="case when breakdown_type = 'none' then 1 else 0 end",
            student_count="case when breakdown_type = 'none' then 1 else 0 end",
            breakdown_type='breakdown_type',
            breakdown_value='breakdown_value',
            event_count='event_count'
        ) }}
    from counted
)

select * from final
