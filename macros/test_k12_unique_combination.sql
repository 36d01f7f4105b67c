{#- Generic test: the combination of columns is unique (the grain of a model without a single key). -#}
{% test k12_unique_combination(model, combination_of_columns) %}
select
    {{ combination_of_columns | join(',\n    ') }},
    count(*) as occurrences
from {{ model }}
group by {{ combination_of_columns | join(', ') }}
having count(*) > 1
{% endtest %}
