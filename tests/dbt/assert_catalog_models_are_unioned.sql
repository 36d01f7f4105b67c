{#-
    Every model the indicator catalog names (column `model`) is stacked by
    int_indicator_students_unioned, and the union stacks no model the catalog does not name.
    A failing row names the model and what to do: run `k12 catalog sync` (it rewrites the
    generated list in int_indicator_students_unioned.sql from the catalog).
-#}
{%- set unioned = [] -%}
{%- if execute -%}
    {%- for node in graph.nodes.values() if node.resource_type == 'model' and node.name == 'int_indicator_students_unioned' -%}
        {%- for parent in node.depends_on.nodes if parent.startswith('model.') -%}
            {%- do unioned.append(parent.split('.')[-1]) -%}
        {%- endfor -%}
    {%- endfor -%}
{%- endif %}

with

catalog as (
    select * from {{ ref('indicator_catalog') }}
),

catalog_models as (
    select distinct model from catalog
),

unioned_models as (
    {%- for model_name in unioned %}
    select '{{ model_name }}' as model{% if not loop.last %} union all{% endif %}
    {%- endfor %}
    {%- if not unioned %}
    select cast(null as {{ dbt.type_string() }}) as model where false
    {%- endif %}
),

final as (
    select
        catalog_models.model,
        'named by indicator_catalog but not stacked by int_indicator_students_unioned: run `k12 catalog sync`' as problem
    from catalog_models
    where catalog_models.model not in (select model from unioned_models)

    union all

    select
        unioned_models.model,
        'stacked by int_indicator_students_unioned but named by no indicator_catalog row: run `k12 catalog sync`' as problem
    from unioned_models
    where unioned_models.model not in (select model from catalog_models where model is not null)
)

select * from final
