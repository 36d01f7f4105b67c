{#-
    The Chronic Absenteeism rules (2025 Dashboard Chronic Absenteeism guide), named once for
    the student-level mart fct_chronic_absence_students, the Dashboard indicator (CHRO, whose
    LEA rows apply them to a student's records summed across schools) and the in-year
    version (CHRO_TD):
    - k12_chronic_absence_is_eligible(expected_days): expected to attend at least var
      k12:chronic_absence_min_expected_days (31) days;
    - k12_is_chronically_absent(absence_days, expected_days): absent for at least var
      k12:chronic_absence_threshold (0.10) of those days: exactly 10% is chronic, 9.99% is
      not; k12_chronic_absence_days_at_threshold(expected_days): the absence days at which
      that happens (for "how close to the threshold" views);
    - k12_in_chronic_absence_grade_span(grade_level_code): a grade the Dashboard counts (var
      k12:chronic_absence_grade_levels, TK-8).
-#}
{% macro k12_chronic_absence_is_eligible(expected_days) -%}
    {{ expected_days }} >= {{ k12_var('k12:chronic_absence_min_expected_days') }}
{%- endmacro %}

{% macro k12_is_chronically_absent(absence_days, expected_days) -%}
    cast({{ absence_days }} as double) / {{ expected_days }} >= {{ k12_var('k12:chronic_absence_threshold') }}
{%- endmacro %}

{% macro k12_in_chronic_absence_grade_span(grade_level_code) -%}
    {{ grade_level_code }} in ('{{ k12_var("k12:chronic_absence_grade_levels") | join("', '") }}')
{%- endmacro %}

{% macro k12_chronic_absence_days_at_threshold(expected_days) -%}
    {{ expected_days }} * {{ k12_var('k12:chronic_absence_threshold') }}
{%- endmacro %}
