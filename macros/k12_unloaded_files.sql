{#- The files of an extract that `relation` has not loaded yet, new or with a new fingerprint,
    as a list of {source_file, relation_name} (the per-file view of source extracts.extract_files). Runs
    a query at execution time (empty while parsing). Used by the daily refresh so that its
    filters are constants DuckDB pushes down to the scan. -#}
{% macro k12_unloaded_files(extract_code, relation) -%}
    {%- set files = [] -%}
    {%- if execute -%}
        {%- set result = run_query(
            "select files.source_file, files.relation_name from " ~ source('extracts', 'extract_files') ~ " as files"
            ~ " where files.extract_code = '" ~ extract_code ~ "'"
            ~ " and not exists (select 1 from (select distinct source_file, file_fingerprint from " ~ relation ~ ") as loaded"
            ~ " where loaded.source_file = files.source_file and loaded.file_fingerprint = files.file_fingerprint)"
            ~ " order by files.source_file") -%}
        {%- for row in result.rows -%}
            {%- do files.append({'source_file': row[0], 'relation_name': row[1]}) -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(files) }}
{%- endmacro %}
