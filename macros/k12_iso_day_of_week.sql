{#- ISO day of week of a date: 1 = Monday ... 7 = Sunday. -#}
{% macro k12_iso_day_of_week(date_expression) -%}
    {{ return(adapter.dispatch('k12_iso_day_of_week', 'k12_inquiry')(date_expression)) }}
{%- endmacro %}

{% macro default__k12_iso_day_of_week(date_expression) -%}
    (((dayofweek({{ date_expression }}) + 5) % 7) + 1)
{%- endmacro %}

{% macro duckdb__k12_iso_day_of_week(date_expression) -%}
    isodow({{ date_expression }})
{%- endmacro %}
