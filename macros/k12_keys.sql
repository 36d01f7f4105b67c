{#-
    The warehouse's two composite keys, each defined once:
    - k12_student_year_id: a student in a school year (the grain of dim_student and the
      join key of every fact and indicator row to the student's groups that year);
    - k12_school_key: a school within its LEA ('<lea_code>-<school_code>'), so that the
      schools of a data collaborative never collide on a school code.
-#}
{% macro k12_student_year_id(student_id, school_year) -%}
    {{ k12_surrogate_key([student_id, school_year]) }}
{%- endmacro %}

{% macro k12_school_key(lea_code, school_code) -%}
    {{ dbt.concat([lea_code, "'-'", school_code]) }}
{%- endmacro %}
