{#- A 64-bit hash of several column values (exact-duplicate detection; collisions are caught by a test). -#}
{% macro k12_row_hash(columns) -%}
    {{ return(adapter.dispatch('k12_row_hash', 'k12_inquiry')(columns)) }}
{%- endmacro %}

{% macro default__k12_row_hash(columns) -%}
    xxhash64({{ columns | join(', ') }})
{%- endmacro %}

{% macro duckdb__k12_row_hash(columns) -%}
    hash({{ columns | join(', ') }})
{%- endmacro %}
