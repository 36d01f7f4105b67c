{#-
    Indicator populations shared by several indicator models, each named once (a predicate
    on int_indicator_enrollments_listed, or the school and LEA summaries it stacks):
    - k12_in_suspension_population(): the Suspension Rate's denominator (CDE suspratecal):
      cumulative enrolment (enrolled at least one day) in a grade of var
      k12:suspension_grade_levels; the PBIS discipline indicators use the same population.
-#}
{% macro k12_in_suspension_population() -%}
    is_cumulatively_enrolled
        and grade_level_code in ('{{ var("k12:suspension_grade_levels") | join("', '") }}')
{%- endmacro %}

{#- The rows a daily refresh recomputes in a model of in-year indicators (an `is_incremental()`
    filter on its import CTE): the to-date indicators of the latest school year with daily
    attendance and `years_before` years before it. Matches the pre-hook
    k12_delete_refreshed_years(..., in_year_only=true). -#}
{% macro k12_where_refreshed_in_year_rows(years_before=1) -%}
    {%- if is_incremental() %}
    where period_type = 'to_date'
        and {{ k12_in_daily_refresh_years('school_year', years_before) }}
    {%- endif %}
{%- endmacro %}

{#- The entity rule of the per-student indicators: a student's record at a school (an
    incident, a result) counts at that school and in the LEA.
    - k12_records_at_entities(relation): each record of `relation` (with lea_code and
      school_code) twice, as counted at its school (counted_entity_type 'school',
      counted_school_code its school) and in its LEA ('lea', NULL), the shape of the entity
      rows of int_indicator_enrollments_listed;
    - k12_counts_at_entity(entity, record): the join condition of an entity row to the
      records counted there (used with k12_same_student_year). An equi-join (a null-safe
      match on the school), so the join is hashed: a condition with OR in an outer join
      made DuckDB fall back to a nested-loop join (279 s at 100,000 students). -#}
{% macro k12_records_at_entities(relation) -%}
    select 'school' as counted_entity_type, {{ relation }}.school_code as counted_school_code, {{ relation }}.*
    from {{ relation }}
    union all
    select 'lea' as counted_entity_type, cast(null as {{ dbt.type_string() }}) as counted_school_code, {{ relation }}.*
    from {{ relation }}
{%- endmacro %}

{% macro k12_counts_at_entity(entity, record) -%}
    {{ entity }}.entity_type = {{ record }}.counted_entity_type
        and {{ entity }}.school_code is not distinct from {{ record }}.counted_school_code
{%- endmacro %}
