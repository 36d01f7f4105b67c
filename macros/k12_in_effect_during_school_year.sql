{#- True when a dated record (a program membership, a special-education record, an ELAS
    status) is in effect at any time in a school year, as the Dashboard's "any time in the
    year" rules read (SED, Homeless, Foster Youth, Students with Disabilities, EL): it starts
    on or before the year's last day and ends, or is still open (end_date NULL), on or after
    its first day. -#}
{% macro k12_in_effect_during_school_year(start_date, end_date, school_year) -%}
    ({{ start_date }} <= {{ k12_school_year_end(school_year) }}
        and ({{ end_date }} is null or {{ end_date }} >= {{ k12_school_year_start(school_year) }}))
{%- endmacro %}
