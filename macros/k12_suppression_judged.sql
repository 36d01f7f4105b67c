{#- Decides, for each relation total of k12_suppression_relation_totals, which of its cells to blank (see that macro's notes). -#}
{% macro k12_suppression_judged(totals) %}
{%- set small = var('k12:suppression_minimum_n') - 1 -%}
select
    unknowns.*,
    -- a single unknown blanked cell (a child, or the parent when every child is published) is recoverable
    (unknowns.unknown_cells = 1 and unknowns.parent_is_suppressed + unknowns.suppressed_children = 1)
    or (unknowns.parent_is_suppressed = 0 and (
        (unknowns.unknown_cells >= 1 and abs(unknowns.unknown_student_n) between 1 and {{ small }})
        {%- if var('k12:suppression_protect_numerators') %}
        or (unknowns.unknown_cells >= 1 and unknowns.has_outcome_n = 1 and (
            abs(unknowns.unknown_outcome_n) between 1 and {{ small }}
            or abs(unknowns.unknown_student_n - unknowns.unknown_outcome_n) between 1 and {{ small }}))
        {%- endif %}
    )) as is_violated
from (
    select
        remainders.*,
        remainders.parent_is_suppressed + remainders.suppressed_children
            + case when remainders.remainder_student_n <> 0 or remainders.remainder_outcome_n <> 0 then 1 else 0 end
            as unknown_cells,
        remainders.suppressed_student_n + remainders.remainder_student_n as unknown_student_n,
        remainders.suppressed_outcome_n + remainders.remainder_outcome_n as unknown_outcome_n
    from (
        select
            {{ totals }}.relation_id,
            {{ totals }}.relation_kind,
            {{ totals }}.parent_is_suppressed,
            {{ totals }}.has_outcome_n,
            {{ totals }}.parent_student_n,
            {{ totals }}.parent_outcome_n,
            {{ totals }}.children_student_n,
            {{ totals }}.children_outcome_n,
            {{ totals }}.suppressed_children,
            {{ totals }}.suppressed_student_n,
            {{ totals }}.suppressed_outcome_n,
            case when {{ totals }}.relation_kind = 'group'
                then {{ totals }}.parent_student_n - {{ totals }}.children_student_n else 0 end as remainder_student_n,
            case when {{ totals }}.relation_kind = 'group'
                then {{ totals }}.parent_outcome_n - {{ totals }}.children_outcome_n else 0 end as remainder_outcome_n
        from {{ totals }}
    ) as remainders
) as unknowns
{% endmacro %}
