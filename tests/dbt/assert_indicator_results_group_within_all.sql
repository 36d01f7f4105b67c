{#-
    Rule group_within_all (k12 check --marts), indicator_results: every cell (indicator,
    school year, period and as-of position, entity, breakdown) has its ALL row (the group of
    category all in seeds/policy/student_groups.csv), and no student group counts more
    students than it, nor (indicator_catalog.is_additive) a larger denominator. Returns the
    offending rows.
-#}
{{ config(tags=['marts_check'], severity='error', meta={
    'rule': 'group_within_all',
    'what': 'indicator_results: a student group is never larger than all students of the same cell (student count of every indicator; denominator of the additive ones, indicator_catalog.is_additive), and every cell has its ALL row',
    'how_to_resolve': 'A bug in the group or indicator models (a membership without its ALL row, or a group counted twice). Report it with the cell of the rows.'}) }}

with

results as (
    select * from {{ ref('indicator_results') }}
),

catalog as (
    select * from {{ ref('indicator_catalog') }}
),

student_groups as (
    select * from {{ ref('student_groups') }}
),

all_students as (
    select results.*
    from results
    inner join student_groups
        on results.student_group_code = student_groups.student_group_code
    where student_groups.student_group_category = 'all'
)

select
    results.*,
    all_students.student_count as all_students_student_count,
    all_students.denominator as all_students_denominator
from results
left join catalog
    on results.indicator_code = catalog.indicator_code
left join all_students
    on results.indicator_code = all_students.indicator_code
    and results.school_year = all_students.school_year
    and results.period_type = all_students.period_type
    and coalesce(results.as_of_instructional_day, -1) = coalesce(all_students.as_of_instructional_day, -1)
    and results.entity_type = all_students.entity_type
    and results.lea_code = all_students.lea_code
    and coalesce(results.school_code, '') = coalesce(all_students.school_code, '')
    and results.breakdown_type = all_students.breakdown_type
    and results.breakdown_value = all_students.breakdown_value
where all_students.indicator_code is null
    or results.student_count > all_students.student_count
    or (catalog.is_additive and results.denominator > all_students.denominator)
