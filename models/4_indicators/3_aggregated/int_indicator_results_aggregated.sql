{#-
    The indicators aggregated by student group: each student's measures summed over the
    groups they belong to under the indicator's rule set (int_indicator_group_memberships_listed),
    for each entity (LEA, school), breakdown and as-of date. Then:
    - breakdowns that share the population's denominator (indicator_catalog.
      breakdown_shares_denominator: the discipline indicators) take it from the breakdown
      none row, and every value seen in the LEA that year gets a row (numerator 0 when no
      student of the group had one);
    - the indicators with indicator_catalog.participation_penalty_distance (ELA, MATH): the
      95% participation rule, per cell: participation = tested / enrolled, rounded half up to
      a whole percent; when at least var k12:participation_minimum_enrolled students are
      enrolled and participation is under var k12:participation_target_percent,
      ceil(0.95 x enrolled) - tested records of the catalog's distance (-333 ELA, -348
      mathematics) are added to the numerator and denominator (guide example: 201 enrolled,
      188 tested -> 3 records).
-#}

{{ k12_refreshed_by_school_year(pre_hook="{{ k12_delete_refreshed_years(1, in_year_only=true) }}") }}

with

students as (
    select * from {{ ref('int_indicator_students_unioned') }}
    {{- k12_where_refreshed_in_year_rows(1) }}
),

catalog as (
    select * from {{ ref('indicator_catalog') }}
),

memberships as (
    select * from {{ ref('int_indicator_group_memberships_listed') }}
),

summed as (
    select
        students.indicator_code,
        students.school_year,
        students.period_type,
        students.as_of_date,
        students.as_of_instructional_day,
        students.is_reported_as_of,
        students.entity_type,
        students.lea_code,
        students.school_code,
        students.breakdown_type,
        students.breakdown_value,
        catalog.student_group_rule_set,
        catalog.breakdown_shares_denominator,
        catalog.participation_penalty_distance,
        memberships.student_group_code,
        memberships.first_group_code,
        memberships.second_group_code,
        memberships.is_intersection,
        sum(students.numerator_value) as numerator,
        sum(students.denominator_value) as denominator,
        sum(students.student_count) as student_count,
        sum(students.participation_enrolled) as participation_enrolled,
        sum(students.participation_tested) as participation_tested,
        sum(students.event_count) as event_count
    from students
    inner join catalog
        on students.indicator_code = catalog.indicator_code
    inner join memberships
        on students.student_year_id = memberships.student_year_id
        and catalog.student_group_rule_set = memberships.student_group_rule_set
    group by
        students.indicator_code, students.school_year, students.period_type, students.as_of_date,
        students.as_of_instructional_day, students.is_reported_as_of, students.entity_type, students.lea_code,
        students.school_code, students.breakdown_type, students.breakdown_value, catalog.student_group_rule_set,
        catalog.breakdown_shares_denominator, catalog.participation_penalty_distance, memberships.student_group_code, memberships.first_group_code,
        memberships.second_group_code, memberships.is_intersection
),

own_denominator as (
    select * from summed
    where not breakdown_shares_denominator or breakdown_type = 'none'
),

shared_values as (
    select distinct indicator_code, lea_code, school_year, breakdown_type, breakdown_value
    from summed
    where breakdown_shares_denominator and breakdown_type <> 'none'
),

shared_denominator as (
    -- every breakdown value for every cell of the population, with the population's denominator
    select
        populations.indicator_code,
        populations.school_year,
        populations.period_type,
        populations.as_of_date,
        populations.as_of_instructional_day,
        populations.is_reported_as_of,
        populations.entity_type,
        populations.lea_code,
        populations.school_code,
        shared_values.breakdown_type,
        shared_values.breakdown_value,
        populations.student_group_rule_set,
        populations.breakdown_shares_denominator,
        populations.participation_penalty_distance,
        populations.student_group_code,
        populations.first_group_code,
        populations.second_group_code,
        populations.is_intersection,
        coalesce(broken_down.numerator, 0) as numerator,
        populations.denominator,
        populations.student_count,
        populations.participation_enrolled,
        populations.participation_tested,
        coalesce(broken_down.event_count, 0) as event_count
    from summed as populations
    inner join shared_values
        on populations.indicator_code = shared_values.indicator_code
        and populations.lea_code = shared_values.lea_code
        and populations.school_year = shared_values.school_year
    left join summed as broken_down
        on {{ k12_same_indicator_cell('populations', 'broken_down', {
            'breakdown_type': 'shared_values.breakdown_type = broken_down.breakdown_type',
            'breakdown_value': 'shared_values.breakdown_value = broken_down.breakdown_value'}) }}
    where populations.breakdown_shares_denominator
        and populations.breakdown_type = 'none'
),

combined as (
    select * from own_denominator
    union all
    select * from shared_denominator
),

with_participation as (
    select
        combined.*,
        case
            when participation_penalty_distance is not null and participation_enrolled > 0
                then {{ k12_round_half_up('100.0 * participation_tested / participation_enrolled', 0) }}
        end as participation_rate
    from combined
),

with_penalty as (
    select
        with_participation.*,
        case
            when participation_penalty_distance is not null
                and participation_enrolled >= {{ var('k12:participation_minimum_enrolled') }}
                and participation_rate < {{ var('k12:participation_target_percent') }}
                then greatest(
                    floor(({{ var('k12:participation_target_percent') }} * participation_enrolled + 99) / 100.0)
                        - participation_tested,
                    0)
            else 0
        end as participation_penalty_records
    from with_participation
),

final as (
    select
        indicator_code,
        school_year,
        period_type,
        as_of_date,
        as_of_instructional_day,
        is_reported_as_of,
        entity_type,
        lea_code,
        school_code,
        breakdown_type,
        breakdown_value,
        student_group_rule_set,
        student_group_code,
        first_group_code,
        second_group_code,
        is_intersection,
        numerator + participation_penalty_records * coalesce(participation_penalty_distance, 0) as numerator,
        denominator + participation_penalty_records as denominator,
        student_count,
        case when participation_penalty_distance is not null then participation_enrolled end as participation_enrolled,
        case when participation_penalty_distance is not null then participation_tested end as participation_tested,
        participation_rate,
        case when participation_penalty_distance is not null then participation_penalty_records end
            as participation_penalty_records,
        event_count
    from with_penalty
    where denominator + participation_penalty_records > 0
)

select * from final
