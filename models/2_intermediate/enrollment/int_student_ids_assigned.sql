{#-
    The pseudonymous id of every student seen in any loaded extract, computed once and
    joined by the facts (hashing every attendance row would cost more than a join).
    Grain: one row per LEA and SSID.
-#}

{#- Every relation a student can appear in: the extracts with an SSID, and daily attendance
    through its list of student-years (far fewer rows than the days). -#}
{%- set relations_with_students = [
    'stg_calpads__enrollments',
    'stg_calpads__absence_summaries',
    'stg_calpads__course_marks',
    'stg_caaspp__test_scores',
    'stg_calpads__incident_results',
    'stg_calpads__incident_offenses',
    'int_attendance_student_years_listed',
] %}

with
{% for relation in relations_with_students %}
{{ relation }} as (
    select lea_code, ssid from {{ ref(relation) }}
),
{% endfor %}
all_students as (
    {%- for relation in relations_with_students %}
    {%- if not loop.first %}
    union
    {%- endif %}
    select lea_code, ssid from {{ relation }}
    {%- endfor %}
),

final as (
    select
        lea_code,
        ssid,
        {{ k12_student_id('lea_code', 'ssid') }} as student_id
    from all_students
    where lea_code is not null
        and ssid is not null
)

select * from final
