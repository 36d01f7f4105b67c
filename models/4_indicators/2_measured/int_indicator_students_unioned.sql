{{ config(materialized='view') }}
{#-
    Every indicator's student-level measures in one shape: what each student contributes to
    each cell of marts.indicator_results (a view: read once by the aggregation).
-#}

{%- set measured_models = [
    'int_chronic_absence_students_measured',
    'int_chronic_absence_to_date_students_measured',
    'int_suspension_students_measured',
    'int_assessment_students_measured',
    'int_course_access_students_measured',
    'int_freshman_on_track_students_measured',
    'int_ag_students_measured',
    'int_grades_vs_assessment_students_measured',
    'int_discipline_students_measured',
] %}

with

{% for model_name in measured_models %}
{{ model_name }} as (
    select * from {{ ref(model_name) }}
),
{% endfor %}

combined as (
    {%- for model_name in measured_models %}
    select
        indicator_code,
        school_year,
        period_type,
        as_of_date,
        as_of_instructional_day,
        is_reported_as_of,
        entity_type,
        lea_code,
        school_code,
        student_year_id,
        breakdown_type,
        breakdown_value,
        numerator_value,
        denominator_value,
        student_count,
        participation_enrolled,
        participation_tested,
        event_count
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
