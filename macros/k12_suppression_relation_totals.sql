{#-
    Public suppression's judgement of its relations (int_public_relations_listed;
    docs/indicators.md). A relation ties a parent cell to child cells (group relations:
    parent = children + a hidden remainder, e.g. ALL = race groups + students with no race
    reported; school relations: LEA = its schools, up to students counted at several
    schools). With the parent published, subtraction reveals the total of the unknown cells
    (blanked children, plus the hidden remainder of a group relation when it is not zero).
    The relation is violated when
    - a single blanked cell is the relation's only unknown: a child, or the parent when all
      its children are published (it is recoverable), or
    - the revealed total has 1 to t - 1 students (t = var k12:suppression_minimum_n), or, with
      var k12:suppression_protect_numerators, 1 to t - 1 students with (numerator) or
      without (students minus numerator) the outcome.

    k12_suppression_relation_totals(cells, relations): the counters of each relation
    (`cells` has cell_id, student_n, outcome_n, is_suppressed; `relations` has relation_id,
    relation_kind, cell_id, member_role). k12_suppression_judged(totals): adds
    unknown_cells, unknown_student_n, unknown_outcome_n and is_violated to such counters.
-#}
{% macro k12_suppression_relation_totals(cells, relations) %}
select
    {{ relations }}.relation_id,
    {{ relations }}.relation_kind,
    max(case when {{ relations }}.member_role = 'parent' and {{ cells }}.is_suppressed then 1 else 0 end)
        as parent_is_suppressed,
    max(case when {{ cells }}.outcome_n is not null then 1 else 0 end) as has_outcome_n,
    sum(case when {{ relations }}.member_role = 'parent' then {{ cells }}.student_n else 0 end) as parent_student_n,
    sum(case when {{ relations }}.member_role = 'parent' then coalesce({{ cells }}.outcome_n, 0) else 0 end)
        as parent_outcome_n,
    sum(case when {{ relations }}.member_role = 'child' then {{ cells }}.student_n else 0 end) as children_student_n,
    sum(case when {{ relations }}.member_role = 'child' then coalesce({{ cells }}.outcome_n, 0) else 0 end)
        as children_outcome_n,
    sum(case when {{ relations }}.member_role = 'child' and {{ cells }}.is_suppressed then 1 else 0 end)
        as suppressed_children,
    sum(case when {{ relations }}.member_role = 'child' and {{ cells }}.is_suppressed then {{ cells }}.student_n else 0 end)
        as suppressed_student_n,
    sum(case when {{ relations }}.member_role = 'child' and {{ cells }}.is_suppressed
        then coalesce({{ cells }}.outcome_n, 0) else 0 end) as suppressed_outcome_n
from {{ relations }}
inner join {{ cells }}
    on {{ relations }}.cell_id = {{ cells }}.cell_id
group by {{ relations }}.relation_id, {{ relations }}.relation_kind
{% endmacro %}
