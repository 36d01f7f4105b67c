{#- The names of the given columns that are NULL ('' when none): a row without its key columns cannot be placed. -#}
{% macro k12_missing_columns(columns) -%}
    {%- set parts = [] -%}
    {%- for column in columns -%}
        {%- do parts.append("case when " ~ column ~ " is null then '" ~ column ~ " ' else '' end") -%}
    {%- endfor -%}
    {%- if parts -%}
    trim({{ dbt.concat(parts) }})
    {%- else -%}
    ''
    {%- endif -%}
{%- endmacro %}
