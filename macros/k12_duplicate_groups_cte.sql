{#-
    A CTE `duplicate_groups`: the (source_file, row_hash) groups of a relation that occur
    more than once, with the first line of each. Joining back keeps the first copy of an
    exact duplicate and drops the others: an aggregate over two columns, not a window over
    whole rows, so it stays cheap on the largest extract.
-#}
{% macro k12_duplicate_groups_cte(relation) -%}
duplicate_groups as (
    select
        source_file,
        row_hash,
        min(source_line_number) as first_source_line_number
    from {{ relation }}
    group by source_file, row_hash
    having count(*) > 1
),
{%- endmacro %}
