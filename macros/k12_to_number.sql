{#- A text value as a number (double, or the given type); NULL when it is not a number (try_cast: DuckDB, Spark >= 3.2). -#}
{% macro k12_to_number(column, type='double') -%}
    {{ return(adapter.dispatch('k12_to_number', 'k12_inquiry')(column, type)) }}
{%- endmacro %}

{% macro default__k12_to_number(column, type='double') -%}
    try_cast({{ column }} as {{ api.Column.translate_type(type) }})
{%- endmacro %}
