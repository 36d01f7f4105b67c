{#- `source_file in ('...')` for the files of an extract that `relation` has not loaded yet
    (k12_unloaded_files); `1 = 0` when there are none. -#}
{% macro k12_unloaded_files_predicate(extract_code, relation, source_file_column='source_file') -%}
    {%- set files = k12_unloaded_files(extract_code, relation) -%}
    {%- if files | length == 0 -%}
    1 = 0
    {%- else -%}
    {{ source_file_column }} in ({% for file in files %}'{{ file.source_file | replace("'", "''") }}'{{ ", " if not loop.last }}{% endfor %})
    {%- endif -%}
{%- endmacro %}
