{#-
    The day counts of the STAS absence summary that the marts tests read, as the mart
    fct_attendance_summary names them (its columns are the STAS staging columns): a dict
      expected: {staging_column, column_name} of var k12:stas_expected_days_column,
      counted:  [{staging_column, column_name, is_required_value}] of var
                k12:stas_days_counted_against_expected,
    looked up in seeds/contract/extract_columns.csv at execution time (the range of each
    stays in the seed: the tests join it). Empty while dbt parses. A var naming a column the
    contract does not have is a compiler error naming it.
-#}
{% macro k12_stas_day_columns() -%}
    {%- set extract_columns = ref('extract_columns') -%}
    {%- if not execute -%}
        {{ return({'expected': {'staging_column': 'expected_attendance_days'}, 'counted': []}) }}
    {%- endif -%}
    {%- set column_query -%}
        select column_name, staging_column, is_required_value
        from {{ extract_columns }}
        where extract_code = 'STAS'
    {%- endset -%}
    {%- set by_name = {} -%}
    {%- for row in run_query(column_query).rows -%}
        {%- do by_name.update({row[0]: {'column_name': row[0], 'staging_column': row[1], 'is_required_value': row[2]}}) -%}
    {%- endfor -%}
    {%- set wanted = [var('k12:stas_expected_days_column')] + var('k12:stas_days_counted_against_expected') -%}
    {%- for column_name in wanted if column_name not in by_name -%}
        {{ exceptions.raise_compiler_error("var k12:stas_expected_days_column / k12:stas_days_counted_against_expected names '" ~ column_name ~ "', which is not a STAS column of the contract (seeds/contract/extract_columns.csv); correct the var in dbt_project.yml.") }}
    {%- endfor -%}
    {%- set counted = [] -%}
    {%- for column_name in var('k12:stas_days_counted_against_expected') -%}
        {%- do counted.append(by_name[column_name]) -%}
    {%- endfor -%}
    {{ return({'expected': by_name[var('k12:stas_expected_days_column')], 'counted': counted}) }}
{%- endmacro %}
