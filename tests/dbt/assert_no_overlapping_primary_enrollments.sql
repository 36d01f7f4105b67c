{#-
    Rule no_overlapping_primary_enrollments (k12 check --marts; a warning: source data).
    CALPADS allows a student one primary enrollment at a time. Records of primary or
    short-term enrollment at two schools that overlap are resolved by the models (the
    later start counts; the earlier record ends the day before, and a record superseded
    on its first day counts nowhere: int_enrollments_resolved), but they are errors to
    fix in the SIS. Returns one row per record cut short, without student identifiers
    beyond the fact's keys.
-#}
{{ config(tags=['marts_check'], severity='warn', meta={
    'rule': 'no_overlapping_primary_enrollments',
    'what': 'fct_enrollment: a student has overlapping primary or short-term enrollments at two schools (CALPADS allows one at a time); the later start counts and the earlier record is cut short, or counts nowhere when both start the same day',
    'how_to_resolve': 'Exit the student from the earlier school in the SIS (with the transfer exit date and reason) and export SENR again.'}) }}

with

enrollments as (
    select * from {{ ref('fct_enrollment') }}
)

select
    enrollment_id,
    school_key,
    school_year,
    enrollment_start_date,
    effective_exit_date,
    is_superseded_same_day
from enrollments
where overlaps_next_enrollment
