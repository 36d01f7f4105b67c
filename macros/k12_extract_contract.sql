{#-
    The contract of one extract as seeds/contract/extract_columns.csv and extracts.csv give it
    (the seeds `k12 check` reads too), read at execution time:
      columns: in file order, each {column_name, raw_column, staging_column, data_type,
               code_set, is_typed, has_code_aliases}; raw_column is the header in snake_case,
               the name k12_inquiry.raw lands it under (contract.raw_column_name);
               is_typed: the value is read as a date, number or flag and its text kept as
               `<staging_column>__text`; has_code_aliases: code_aliases maps local spellings
               of its code set.
      key_columns: the staging names of the extract's key columns, in key order.
    While dbt parses (execute is false) it only declares the seeds it reads and returns no
    columns. A seed not loaded yet, a contract without the extract, or a type staging cannot
    read is an error that names the extract (and the column).
-#}
{% macro k12_extract_contract(extract_code) -%}
    {%- set extract_columns = ref('extract_columns') -%}
    {%- set extracts = ref('extracts') -%}
    {%- set code_aliases = ref('code_aliases') -%}
    {%- if not execute -%}
        {{ return({'columns': [], 'key_columns': []}) }}
    {%- endif -%}
    {%- for seed in [extract_columns, extracts, code_aliases] -%}
        {%- if adapter.get_relation(seed.database, seed.schema, seed.identifier) is none -%}
            {{ exceptions.raise_compiler_error("The base model of " ~ extract_code ~ " is generated from the seed " ~ seed.identifier ~ ", which is not in the warehouse yet (" ~ seed ~ "): run `k12 build` (or `dbt seed`) first.") }}
        {%- endif -%}
    {%- endfor -%}
    {%- set typed_data_types = ['date', 'decimal', 'integer', 'flag'] -%}
    {%- set known_data_types = typed_data_types + ['code', 'text', 'cds_code', 'cds_lea', 'cds_school', 'ssid', 'academic_year'] -%}
    {%- set column_query -%}
        select
            extract_columns.column_name,
            extract_columns.staging_column,
            extract_columns.data_type,
            extract_columns.code_set,
            extract_columns.code_set in (select code_set from {{ code_aliases }}) as has_code_aliases
        from {{ extract_columns }} as extract_columns
        where extract_columns.extract_code = '{{ extract_code }}'
        order by extract_columns.rowid    {#- the seed's rows in file order #}
    {%- endset -%}
    {%- set key_query -%}
        select key_columns from {{ extracts }} where extract_code = '{{ extract_code }}'
    {%- endset -%}
    {%- set column_rows = run_query(column_query).rows -%}
    {%- set key_rows = run_query(key_query).rows -%}
    {%- if column_rows | length == 0 or key_rows | length == 0 -%}
        {{ exceptions.raise_compiler_error("Extract " ~ extract_code ~ " is not in the contract (seeds/contract/extracts.csv and extract_columns.csv); run `dbt seed` after changing the contract.") }}
    {%- endif -%}
    {%- set columns = [] -%}
    {%- set staging_by_name = {} -%}
    {%- for row in column_rows -%}
        {%- if row[2] not in known_data_types -%}
            {{ exceptions.raise_compiler_error("Extract " ~ extract_code ~ ", column '" ~ row[0] ~ "': staging cannot read data_type '" ~ row[2] ~ "' (seeds/contract/extract_columns.csv); use one of " ~ known_data_types | join(', ') ~ ".") }}
        {%- endif -%}
        {%- do columns.append({
            'column_name': row[0],
            'raw_column': modules.re.sub('[^0-9a-z]+', '_', row[0] | lower).strip('_'),
            'staging_column': row[1],
            'data_type': row[2],
            'code_set': row[3],
            'is_typed': row[2] in typed_data_types,
            'has_code_aliases': row[2] == 'code' and row[4] is true,
        }) -%}
        {%- do staging_by_name.update({row[0]: row[1]}) -%}
    {%- endfor -%}
    {%- set key_columns = [] -%}
    {%- for column_name in key_rows[0][0].split('|') -%}
        {%- if column_name not in staging_by_name -%}
            {{ exceptions.raise_compiler_error("Extract " ~ extract_code ~ ": key column '" ~ column_name ~ "' (seeds/contract/extracts.csv) is not a column of the extract in extract_columns.csv.") }}
        {%- endif -%}
        {%- do key_columns.append(staging_by_name[column_name]) -%}
    {%- endfor -%}
    {{ return({'columns': columns, 'key_columns': key_columns}) }}
{%- endmacro %}

{#-
    The columns a stg model keeps, as a select list: the line's file, school year and line
    number (and `line_columns` to add, such as the attendance files' fingerprint, which the
    daily refresh needs), then every column of the extract's contract under its staging
    name, in the contract's order (seeds/contract/extract_columns.csv). Empty while dbt
    parses.
-#}
{% macro k12_staged_columns(extract_code, line_columns=['source_file', 'school_year', 'source_line_number']) -%}
    {%- set contract = k12_extract_contract(extract_code) -%}
    {%- set names = line_columns + (contract.columns | map(attribute='staging_column') | list) -%}
    {{ names | join(',\n        ') }}
{%- endmacro %}
