{#- Generic test: every combination of `columns` in the model exists as `to_columns` in `to` (NULLs ignored). -#}
{% test k12_relationships_composite(model, columns, to, to_columns=none) %}
{%- set to_columns = to_columns or columns -%}
with child as (
    select distinct {{ columns | join(', ') }}
    from {{ model }}
    where {% for column in columns %}{{ column }} is not null{{ " and " if not loop.last }}{% endfor %}
),

parent as (
    select distinct {{ to_columns | join(', ') }}
    from {{ to }}
)

select child.*
from child
left join parent
    on {% for column in columns %}child.{{ column }} = parent.{{ to_columns[loop.index0] }}{{ " and " if not loop.last }}{% endfor %}
where parent.{{ to_columns[0] }} is null
{% endtest %}
