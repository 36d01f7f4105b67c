{#-
    The names of the columns whose text value could not be typed: for each typed column
    `x` the model keeps the text as `x__text`; a value present as text but NULL once typed
    failed its type. Returns '' when every value was typed (and when no column is typed).
-#}
{% macro k12_untyped_columns(columns) -%}
    {%- set parts = [] -%}
    {%- for column in columns -%}
        {%- do parts.append("case when " ~ column ~ "__text is not null and " ~ column ~ " is null then '" ~ column ~ " ' else '' end") -%}
    {%- endfor -%}
    {%- if parts -%}
    trim({{ dbt.concat(parts) }})
    {%- else -%}
    ''
    {%- endif -%}
{%- endmacro %}
