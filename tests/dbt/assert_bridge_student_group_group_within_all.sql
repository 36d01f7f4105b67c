{#-
    Rule group_within_all (k12 check --marts), bridge_student_group: per LEA and school
    year, every group with members has an ALL group (category all in
    seeds/policy/student_groups.csv) with members, and no group has more students than it.
    Returns one row per offending LEA x school year x group.
-#}
{{ config(tags=['marts_check'], severity='error', meta={
    'rule': 'group_within_all',
    'what': 'bridge_student_group: the students of a group per LEA and school year are never more than all students of that LEA and year, and every LEA and year with a group has its ALL group',
    'how_to_resolve': 'A bug in the group models (a membership without its ALL row, or a group counted twice). Report it with the LEA, year and group of the rows.'}) }}

with

bridge as (
    select * from {{ ref('bridge_student_group') }}
),

student_groups as (
    select * from {{ ref('student_groups') }}
),

group_sizes as (
    select
        lea_code,
        school_year,
        student_group_code,
        count(*) as student_count
    from bridge
    group by lea_code, school_year, student_group_code
),

all_students as (
    select group_sizes.*
    from group_sizes
    inner join student_groups
        on group_sizes.student_group_code = student_groups.student_group_code
    where student_groups.student_group_category = 'all'
)

select
    group_sizes.*,
    all_students.student_count as all_students_student_count
from group_sizes
left join all_students
    on group_sizes.lea_code = all_students.lea_code
    and group_sizes.school_year = all_students.school_year
where all_students.student_count is null
    or group_sizes.student_count > all_students.student_count
