{#-
    The pseudonymous student id: a hash of the salt (var k12:pseudonym_salt), the LEA code
    and the SSID. Carries the LEA, so pooled districts never collide; without the salt it
    cannot be reversed from an SSID list.
-#}
{% macro k12_student_id(lea_code, ssid) -%}
    {{ dbt.hash(dbt.concat(["'" ~ var('k12:pseudonym_salt') ~ "|'", lea_code, "'|'", ssid])) }}
{%- endmacro %}
