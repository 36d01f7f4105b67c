{#-
    The indicator contract: the columns every *_students_measured model returns, in this
    order and with these types, so that int_indicator_students_unioned can stack them and
    int_indicator_results_aggregated can sum them. One row is what one student contributes
    to one cell (indicator, year, as-of date, entity, breakdown). Each argument is a SQL
    expression over the model's last CTE; the defaults are those of an annual rate over
    students (one student, denominator 1, no breakdown):

    - indicator_code: the catalog code ('SUSP'), or a column when one model computes several;
    - student_year_id: default the pseudonymous student-year key of student_id, school_year;
    - period_type / as_of_date / as_of_instructional_day / is_reported_as_of: 'annual' with
      no as-of date, or 'to_date' for the in-year indicators;
    - numerator_value / denominator_value: what the student adds to the rate (a boolean
      numerator counts 1 when true);
    - student_count: students counted in the cell (for n-size);
    - participation_enrolled / participation_tested: the 95% participation rule's counts
      (indicators with catalog.participation_penalty_distance);
    - event_count: incidents, referrals and the like behind the row.
-#}
{% macro k12_indicator_row(
    numerator_value,
    indicator_code='indicator_code',
    denominator_value='1',
    student_count='1',
    breakdown_type="'none'",
    breakdown_value="'all'",
    student_year_id=none,
    period_type="'annual'",
    as_of_date='null',
    as_of_instructional_day='null',
    is_reported_as_of='true',
    participation_enrolled='0',
    participation_tested='0',
    event_count='0'
) -%}
        {{ indicator_code }} as indicator_code,
        school_year,
        {{ period_type }} as period_type,
        cast({{ as_of_date }} as date) as as_of_date,
        cast({{ as_of_instructional_day }} as integer) as as_of_instructional_day,
        {{ is_reported_as_of }} as is_reported_as_of,
        entity_type,
        lea_code,
        school_code,
        {{ student_year_id if student_year_id is not none else k12_student_year_id('student_id', 'school_year') }} as student_year_id,
        {{ breakdown_type }} as breakdown_type,
        {{ breakdown_value }} as breakdown_value,
        cast({{ numerator_value }} as double) as numerator_value,
        cast({{ denominator_value }} as double) as denominator_value,
        cast({{ student_count }} as integer) as student_count,
        cast({{ participation_enrolled }} as integer) as participation_enrolled,
        cast({{ participation_tested }} as integer) as participation_tested,
        cast({{ event_count }} as bigint) as event_count
{%- endmacro %}

{#- The contract's column names, in order (for the union and its tests). -#}
{% macro k12_indicator_columns() -%}
    {{ return(['indicator_code', 'school_year', 'period_type', 'as_of_date', 'as_of_instructional_day',
        'is_reported_as_of', 'entity_type', 'lea_code', 'school_code', 'student_year_id', 'breakdown_type',
        'breakdown_value', 'numerator_value', 'denominator_value', 'student_count', 'participation_enrolled',
        'participation_tested', 'event_count']) }}
{%- endmacro %}
