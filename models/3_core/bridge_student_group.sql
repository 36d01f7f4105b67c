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
    The rules are seed student_groups (columns academic_membership, other_membership): a
    district adds a local group with a row naming a boolean column of dim_student.
    Grain: one row per student x school year x student group.
-#}

with

students as (
    select * from {{ ref('dim_student') }}
),

memberships as (
    -- one select per group of seed student_groups (macro k12_student_group_rules)
    {%- for group_code, academic_rule, other_rule in k12_student_group_rules() %}
    select
        student_year_id,
        student_id,
        lea_code,
        school_year,
        '{{ group_code }}' as student_group_code,
        {{ k12_student_group_condition(academic_rule, group_code) }} as applies_to_academic_indicators,
        {{ k12_student_group_condition(other_rule, group_code) }} as applies_to_other_indicators
    from students
    where {{ k12_student_group_condition(academic_rule, group_code) }}
        or {{ k12_student_group_condition(other_rule, group_code) }}
    {%- if not loop.last %}

    union all
    {%- endif %}
    {%- else %}
    select
        student_year_id, student_id, lea_code, school_year,
        cast(null as {{ dbt.type_string() }}) as student_group_code,
        false as applies_to_academic_indicators,
        false as applies_to_other_indicators
    from students
    where false
    {%- endfor %}
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
