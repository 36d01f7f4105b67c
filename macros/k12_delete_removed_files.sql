{#- Post-hook of the daily refresh's incremental models: delete the rows of an extract's files
    that are no longer in the extracts folder (source extracts.extract_files). In a relation holding
    several extracts, `extract_code_column` limits the delete to this extract's rows. A no-op
    in a full build. -#}
{% macro k12_delete_removed_files(extract_code, extract_code_column=none) -%}
    {%- if is_incremental() -%}
    delete from {{ this }}
    where source_file not in (select source_file from {{ source('extracts', 'extract_files') }} where extract_code = '{{ extract_code }}')
    {%- if extract_code_column %}
        and {{ extract_code_column }} = '{{ extract_code }}'
    {%- endif -%}
    {%- endif -%}
{%- endmacro %}
