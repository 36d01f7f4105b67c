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

{#- The keys every fact carries, in this order: student_id; student_year_id, which joins
    dim_student and bridge_student_group; lea_code, school_code; school_key, which joins
    dim_school; school_year. `student_id` is the student id expression, `relation` the
    relation holding lea_code, school_code and school_year (none: unqualified). -#}
{% macro k12_fact_keys(student_id, relation=none) -%}
    {%- set prefix = relation ~ '.' if relation else '' -%}
        {{ student_id }} as student_id,
        {{ k12_student_year_id(student_id, prefix ~ 'school_year') }} as student_year_id,
        {{ prefix }}lea_code,
        {{ prefix }}school_code,
        {{ k12_school_key(prefix ~ 'lea_code', prefix ~ 'school_code') }} as school_key,
        {{ prefix }}school_year
{%- endmacro %}

{#-
    The join condition "`left` and `right` are the same ..." for the grains models join on,
    each written once. A student is known by an SSID within its LEA (k12_student_id hashes
    both), so every grain carries the LEA code:
    - k12_same_student: a student of an LEA (lea_code, the student); `student` is student_id,
      or ssid in the models that run before ids are assigned (and in the join to them);
    - k12_same_student_year: a student in a school year (lea_code, the student, school_year),
      the grain of k12_student_year_id;
    - k12_same_school_student_year: a student's school year at one school (lea_code,
      school_code, the student, school_year), the grain of int_school_enrollments_summarized;
    - k12_same_school: a school of an LEA (lea_code, school_code), the grain of k12_school_key;
    - k12_same_incident: a discipline incident (CALPADS numbers incidents within a school
      and year: lea_code, school_code, school_year, incident_id).
-#}
{% macro k12_same_student(left, right, student='student_id') -%}
    {{ _k12_same_columns(left, right, ['lea_code', student]) }}
{%- endmacro %}

{% macro k12_same_student_year(left, right, student='student_id') -%}
    {{ _k12_same_columns(left, right, ['lea_code', student, 'school_year']) }}
{%- endmacro %}

{% macro k12_same_school_student_year(left, right, student='student_id') -%}
    {{ _k12_same_columns(left, right, ['lea_code', 'school_code', student, 'school_year']) }}
{%- endmacro %}

{% macro k12_same_school(left, right) -%}
    {{ _k12_same_columns(left, right, ['lea_code', 'school_code']) }}
{%- endmacro %}

{% macro k12_same_incident(left, right) -%}
    {{ _k12_same_columns(left, right, ['lea_code', 'school_code', 'school_year', 'incident_id']) }}
{%- endmacro %}

{#- k12_same_source_line: one line of one version of a raw file (source_file,
    source_line_number, file_fingerprint): how a base model matches the quarantine. -#}
{% macro k12_same_source_line(left, right) -%}
    {{ _k12_same_columns(left, right, ['source_file', 'source_line_number', 'file_fingerprint']) }}
{%- endmacro %}

{% macro _k12_same_columns(left, right, columns) -%}
    {%- set conditions = [] -%}
    {%- for column in columns -%}
        {%- do conditions.append(left ~ '.' ~ column ~ ' = ' ~ right ~ '.' ~ column) -%}
    {%- endfor -%}
    {{ conditions | join(' and ') }}
{%- endmacro %}
