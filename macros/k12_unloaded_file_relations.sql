{#- The rows of an extract's files that `relation` has not loaded yet (k12_unloaded_files),
    read from their per-file views so that files already loaded are not parsed again; an
    empty relation with the same columns as `all_files_relation` when every file is loaded. -#}
{% macro k12_unloaded_file_relations(extract_code, relation, all_files_relation) -%}
    {%- set files = k12_unloaded_files(extract_code, relation) -%}
    {%- if files | length == 0 -%}
    select * from {{ all_files_relation }} where 1 = 0
    {%- else -%}
    {%- for file in files %}
    select * from {{ file.relation_name }}
    {%- if not loop.last %}
    union all
    {%- endif -%}
    {%- endfor -%}
    {%- endif -%}
{%- endmacro %}
