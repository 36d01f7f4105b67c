{#-
    Rule days_within_expected (k12 check --marts): the STAS days counted against the
    expected attendance days (var k12:stas_days_counted_against_expected: attended in person,
    in-school and out-of-school suspension, excused, unexcused and independent study) do not
    add up to more than the expected days (var k12:stas_expected_days_column); a count the
    contract does not require counts as 0 when blank. Returns the offending rows.
-#}
{{ config(tags=['marts_check'], severity='error', meta={
    'rule': 'days_within_expected',
    'what': 'fct_attendance_summary: attended in person + in-school suspension + out-of-school suspension + excused + unexcused + independent study days do not exceed the expected attendance days',
    'how_to_resolve': 'Rows of measure_source stas: run k12 check (it quarantines such STAS lines) and build again, or correct the counts in the SIS. Rows of measure_source daily_attendance: a bug, report it.'}) }}

{%- set day_columns = k12_stas_day_columns() %}

with

attendance as (
    select * from {{ ref('fct_attendance_summary') }}
),

counted as (
    select
        attendance.*,
        {% for column in day_columns.counted -%}
        {{ column.staging_column if column.is_required_value else 'coalesce(' ~ column.staging_column ~ ', 0)' }}{{ ' + ' if not loop.last }}
        {%- else %}0{% endfor %} as days_counted_against_expected
    from attendance
)

select *
from counted
where days_counted_against_expected > {{ day_columns.expected.staging_column }}
