{#-
    The Dashboard cut set of an indicator for an entity, by the indicator's catalog columns
    (seeds/policy/indicators/indicator_catalog.csv; 2025 Dashboard Technical Guide,
    Introduction):
    - dashboard_cut_set_basis 'entity_type': the entity's school or LEA type when the state
      publishes cut points for it (`type_cut_set`: that type looked up in
      dashboard_status_cut_points, NULL when absent), else dashboard_default_cut_set
      (Suspension: ES, MS, HS, ED, HD, UD; an unknown type counts as Unified);
    - 'high_school': dashboard_high_school_cut_set for high schools and high school
      districts (`uses_high_school_cut_points`), else the default (ELA, mathematics: GR11 / GR38);
    - 'single': the default (Chronic Absenteeism: ALL).
    `catalog` is the relation alias that carries the three catalog columns.
-#}
{% macro k12_dashboard_cut_set(catalog, type_cut_set, uses_high_school_cut_points) -%}
    case {{ catalog }}.dashboard_cut_set_basis
        when 'entity_type' then coalesce({{ type_cut_set }}, {{ catalog }}.dashboard_default_cut_set)
        when 'high_school' then
            case when {{ uses_high_school_cut_points }} then {{ catalog }}.dashboard_high_school_cut_set
                else {{ catalog }}.dashboard_default_cut_set end
        when 'single' then {{ catalog }}.dashboard_default_cut_set
    end
{%- endmacro %}
