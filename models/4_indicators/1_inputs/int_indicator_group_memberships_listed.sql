{#-
    Student-group memberships as the indicators use them: one row per rule set (academic:
    bridge_student_group.applies_to_academic_indicators; other: applies_to_other_indicators)
    and group, plus the two-way intersections of var k12:indicator_group_intersections
    (code 'FIRST+SECOND', e.g. HI+EL): a student is in an intersection when both groups
    apply under the same rule set.
-#}

with

bridge as (
    select * from {{ ref('bridge_student_group') }}
),

by_rule_set as (
    select student_year_id, school_year, 'academic' as student_group_rule_set, student_group_code
    from bridge
    where applies_to_academic_indicators

    union all

    select student_year_id, school_year, 'other' as student_group_rule_set, student_group_code
    from bridge
    where applies_to_other_indicators
),

intersections as (
    {%- set pairs = var('k12:indicator_group_intersections') %}
    {%- if pairs | length == 0 %}
    select cast(null as {{ dbt.type_string() }}) as first_group_code, cast(null as {{ dbt.type_string() }}) as second_group_code
    where 1 = 0
    {%- endif %}
    {%- for pair in pairs %}
    select '{{ pair[0] }}' as first_group_code, '{{ pair[1] }}' as second_group_code
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

intersected as (
    select
        first_membership.student_year_id,
        first_membership.school_year,
        first_membership.student_group_rule_set,
        {{ dbt.concat(['intersections.first_group_code', "'+'", 'intersections.second_group_code']) }} as student_group_code,
        intersections.first_group_code,
        intersections.second_group_code
    from by_rule_set as first_membership
    inner join intersections
        on first_membership.student_group_code = intersections.first_group_code
    inner join by_rule_set as second_membership
        on first_membership.student_year_id = second_membership.student_year_id
        and first_membership.student_group_rule_set = second_membership.student_group_rule_set
        and second_membership.student_group_code = intersections.second_group_code
),

final as (
    select
        student_year_id,
        school_year,
        student_group_rule_set,
        student_group_code,
        student_group_code as first_group_code,
        cast(null as {{ dbt.type_string() }}) as second_group_code,
        false as is_intersection
    from by_rule_set

    union all

    select
        student_year_id,
        school_year,
        student_group_rule_set,
        student_group_code,
        first_group_code,
        second_group_code,
        true as is_intersection
    from intersected
)

select * from final
