{{ config(materialized='view') }}
{#-
    Every indicator's student-level measures in one shape (the columns of macro
    k12_indicator_row): what each student contributes to each cell of marts.indicator_results
    (a view: read once by the aggregation). Grain: one row per indicator, school year, as-of
    date, entity, breakdown value and student-year.

    The list below is generated from the catalog's `model` column
    (seeds/policy/indicators/indicator_catalog.csv) by `k12 catalog sync`: dbt needs its refs
    when it parses, before any seed can be read. The dbt test assert_catalog_models_are_unioned
    and tests/test_indicator_contract.py fail while the two disagree.
-#}

{#- k12 catalog sync: begin -#}
{%- set measured_models = [
    'int_ag_students_measured',
    'int_assessment_students_measured',
    'int_chronic_absence_students_measured',
    'int_chronic_absence_to_date_students_measured',
    'int_course_access_students_measured',
    'int_discipline_students_measured',
    'int_freshman_on_track_students_measured',
    'int_grades_vs_assessment_students_measured',
    'int_suspension_students_measured',
] %}
{#- k12 catalog sync: end -#}

with

{% for model_name in measured_models %}
{{ model_name }} as (
    select * from {{ ref(model_name) }}
),
{% endfor %}

combined as (
    {%- for model_name in measured_models %}
    select {{ k12_indicator_columns() | join(', ') }}
    from {{ model_name }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

final as (
    select * from combined
)

select * from final
