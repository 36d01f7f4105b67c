{#-
    The grain of the indicator marts, defined once. A *table* is one indicator, school year,
    period, as-of position and breakdown; a *cell* is one entity (school or LEA) and student
    group of a table. indicator_results, the public suppression models and
    public_indicator_results key their rows by these ids.

    - k12_indicator_table_columns() / k12_indicator_cell_columns(): the column names;
    - k12_indicator_table_id(prefix) / k12_indicator_cell_id(prefix, overrides): a surrogate
      key of those columns, each read as `prefix ~ column` unless `overrides` gives another
      expression (the prior year's cell: {'school_year': 'results.school_year - 1'}; the all
      students' cell: {'student_group_code': "'ALL'"}).
-#}
{% macro k12_indicator_table_columns() -%}
    {{ return(['indicator_code', 'school_year', 'period_type', 'as_of_instructional_day', 'breakdown_type',
        'breakdown_value']) }}
{%- endmacro %}

{% macro k12_indicator_cell_columns() -%}
    {{ return(k12_indicator_table_columns() + ['entity_type', 'lea_code', 'school_code', 'student_group_code']) }}
{%- endmacro %}

{% macro _k12_key_of(columns, prefix, overrides) -%}
    {%- set expressions = [] -%}
    {%- for column in columns -%}
        {%- do expressions.append(overrides.get(column, prefix ~ column)) -%}
    {%- endfor -%}
    {{ k12_surrogate_key(expressions) }}
{%- endmacro %}

{% macro k12_indicator_table_id(prefix='', overrides={}) -%}
    {{ _k12_key_of(k12_indicator_table_columns(), prefix, overrides) }}
{%- endmacro %}

{% macro k12_indicator_cell_id(prefix='', overrides={}) -%}
    {{ _k12_key_of(k12_indicator_cell_columns(), prefix, overrides) }}
{%- endmacro %}

{#-
    The join condition "`left` and `right` are the same cell" over k12_indicator_cell_columns
    (as_of_instructional_day and school_code are NULL for annual and LEA rows, and match as
    such). `overrides` replaces the condition of a column (the prior year: {'school_year':
    'rated.school_year - 1 = prior.school_year'}; the all students' row: {'student_group_code':
    "all_students.student_group_code = 'ALL'"}).
-#}
{% macro k12_same_indicator_cell(left, right, overrides={}) -%}
    {%- set nullable = {'as_of_instructional_day': '-1', 'school_code': "''"} -%}
    {%- set conditions = [] -%}
    {%- for column in k12_indicator_cell_columns() -%}
        {%- if column in overrides -%}
            {%- do conditions.append(overrides[column]) -%}
        {%- elif column in nullable -%}
            {%- do conditions.append('coalesce(' ~ left ~ '.' ~ column ~ ', ' ~ nullable[column] ~ ') = coalesce('
                ~ right ~ '.' ~ column ~ ', ' ~ nullable[column] ~ ')') -%}
        {%- else -%}
            {%- do conditions.append(left ~ '.' ~ column ~ ' = ' ~ right ~ '.' ~ column) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ conditions | join('\n        and ') }}
{%- endmacro %}
