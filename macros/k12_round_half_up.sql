{#-
    Round half away from zero to `digits` decimals, as CDE rounds (a change of 0.45 is 0.5;
    a participation rate of 94.5 is 95). Rates are doubles, so a value meant to be 0.45 can
    be stored as 0.44999999999999929 (209/2000 x 100 - 10.0), which round() takes to 0.4:
    a tolerance of 1e-9 on the scaled value removes that binary noise.
-#}
{% macro k12_round_half_up(expression, digits=1) -%}
    {{ return(adapter.dispatch('k12_round_half_up', 'k12_inquiry')(expression, digits)) }}
{%- endmacro %}

{% macro default__k12_round_half_up(expression, digits=1) -%}
    (sign({{ expression }}) * floor(abs({{ expression }}) * {{ 10 ** digits }} + 0.5 + 1e-9) / {{ 10 ** digits }})
{%- endmacro %}
