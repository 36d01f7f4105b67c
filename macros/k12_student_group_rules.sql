{#-
    The membership rules of the student groups (seed student_groups: student_group_code,
    academic_membership, other_membership), read when a model runs, as a list of
    [student_group_code, academic_membership, other_membership] in the seed's sort order
    (empty while dbt parses). bridge_student_group generates one select per group from it;
    its unit test overrides this macro with the rules under test.
-#}
{% macro k12_student_group_rules() -%}
    {%- set student_groups = ref('student_groups') -%}
    {%- if not execute -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set query -%}
        select student_group_code, coalesce(academic_membership, '') as academic_membership,
            coalesce(other_membership, '') as other_membership
        from {{ student_groups }}
        order by sort_order
    {%- endset -%}
    {%- set rules = [] -%}
    {%- for row in run_query(query).rows -%}
        {%- do rules.append([row[0], row[1], row[2]]) -%}
    {%- endfor -%}
    {{ return(rules) }}
{%- endmacro %}

{#-
    A membership rule of seed student_groups as a SQL condition on dim_student: `all` is
    every student, `race_ethnicity_code` the students of that race/ethnicity code, any other
    token a boolean column of dim_student; tokens joined by ` or ` mean any of them; blank is
    nobody (false).
-#}
{% macro k12_student_group_condition(rule, student_group_code) -%}
    {%- set conditions = [] -%}
    {%- for token in rule.split(' or ') if token.strip() -%}
        {%- if token.strip() == 'all' -%}
            {%- do conditions.append('true') -%}
        {%- elif token.strip() == 'race_ethnicity_code' -%}
            {%- do conditions.append("race_ethnicity_code = '" ~ student_group_code ~ "'") -%}
        {%- else -%}
            {%- do conditions.append(adapter.quote(token.strip())) -%}
        {%- endif -%}
    {%- endfor -%}
    {{- '(' ~ (conditions | join(' or ')) ~ ')' if conditions else 'false' -}}
{%- endmacro %}
