{{ config(tags=['daily_refresh']) }}
{#-
    The additive relations between cells that public suppression protects, so no blanked
    cell can be recovered by subtraction (docs/indicators.md). In each table:
    - group relations, per entity: a parent group and its child groups (seed
      suppression_group_relations: the race groups within ALL, each program or language
      group within ALL, the EL parts), plus, for the configured intersections, each group
      with the intersections it is part of (HI with HI+EL and HI+SED, ...). The parent minus
      the children is a hidden remainder (students with no race reported, students not in
      the group, ...);
    - school relations: a group's LEA cell and the same group's cells at the LEA's schools.
    A relation exists when its parent cell and at least one child cell exist.
-#}

with

cells as (
    select * from {{ ref('int_public_cells_listed') }}
),

seed_relations as (
    select relation_code, parent_group_code, child_group_code
    from {{ ref('suppression_group_relations') }}
),

intersection_relations as (
    select distinct
        {{ dbt.concat(["'intersections_with_'", 'first_group_code']) }} as relation_code,
        first_group_code as parent_group_code,
        student_group_code as child_group_code
    from cells
    where is_intersection

    union

    select distinct
        {{ dbt.concat(["'intersections_with_'", 'second_group_code']) }} as relation_code,
        second_group_code as parent_group_code,
        student_group_code as child_group_code
    from cells
    where is_intersection
),

group_relations as (
    select * from seed_relations
    union all
    select * from intersection_relations
),

group_children as (
    select
        {{ k12_surrogate_key(['child.table_id', 'child.entity_type', 'child.lea_code', 'child.school_code',
            'group_relations.relation_code']) }} as relation_id,
        child.table_id,
        child.entity_type,
        child.lea_code,
        child.school_code,
        group_relations.relation_code,
        group_relations.parent_group_code,
        child.cell_id
    from cells as child
    inner join group_relations
        on child.student_group_code = group_relations.child_group_code
),

group_parents as (
    select distinct
        group_children.relation_id,
        parent.cell_id
    from group_children
    inner join cells as parent
        on group_children.table_id = parent.table_id
        and group_children.entity_type = parent.entity_type
        and group_children.lea_code = parent.lea_code
        and coalesce(group_children.school_code, '') = coalesce(parent.school_code, '')
        and group_children.parent_group_code = parent.student_group_code
),

school_relations as (
    select
        {{ k12_surrogate_key(['school.table_id', 'school.lea_code', 'school.student_group_code', "'schools'"]) }} as relation_id,
        school.cell_id as child_cell_id,
        lea.cell_id as parent_cell_id
    from cells as school
    inner join cells as lea
        on school.table_id = lea.table_id
        and school.lea_code = lea.lea_code
        and school.student_group_code = lea.student_group_code
        and lea.entity_type = 'lea'
    where school.entity_type = 'school'
),

final as (
    select group_children.relation_id, 'group' as relation_kind, group_children.cell_id, 'child' as member_role
    from group_children
    inner join group_parents
        on group_children.relation_id = group_parents.relation_id

    union all

    select relation_id, 'group' as relation_kind, cell_id, 'parent' as member_role
    from group_parents

    union all

    select relation_id, 'school' as relation_kind, child_cell_id as cell_id, 'child' as member_role
    from school_relations

    union all

    select distinct relation_id, 'school' as relation_kind, parent_cell_id as cell_id, 'parent' as member_role
    from school_relations
)

select * from final
