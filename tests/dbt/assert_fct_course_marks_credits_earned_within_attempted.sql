{#-
    Rule credits_earned_within_attempted (k12 check --marts; a warning: source data, which
    the extract checks do not test): a course mark earns no more credits than it attempts.
    Returns the offending rows.
-#}
{{ config(tags=['marts_check'], severity='warn', meta={
    'rule': 'credits_earned_within_attempted',
    'what': 'fct_course_marks: a course mark earns no more credits than it attempts (a warning: source data, not checked on the extracts)',
    'how_to_resolve': 'Correct the credits of the course mark (SCSC) in the SIS and export again.'}) }}

with

course_marks as (
    select * from {{ ref('fct_course_marks') }}
)

select *
from course_marks
where credits_earned > credits_attempted
