{#-
    The Dashboard cut set of an indicator for an entity (2025 Introduction guide, LEA and
    school type): Suspension uses the LEA type (ED, HD, UD) or the school type (ES, MS, HS),
    and a school or LEA of unknown type is treated as Unified; ELA and mathematics use the
    grade-11 cut points (GR11) for high schools and high school districts, the grades 3-8
    cut points (GR38) otherwise; Chronic Absenteeism has one set (ALL).
-#}
{% macro k12_dashboard_cut_set(dashboard_indicator_code, type_code, uses_high_school_cut_points) -%}
    case
        when {{ dashboard_indicator_code }} = 'SUSP' then
            case when {{ type_code }} in ('ES', 'MS', 'HS', 'ED', 'HD', 'UD') then {{ type_code }} else 'UD' end
        when {{ dashboard_indicator_code }} in ('ELA', 'MATH') then
            case when {{ uses_high_school_cut_points }} then 'GR11' else 'GR38' end
        when {{ dashboard_indicator_code }} = 'CHRO' then 'ALL'
    end
{%- endmacro %}
