{#-
    Rule no_small_count_published (k12 check --marts): no published row of public_indicator_results describes fewer than var
    k12:suppression_minimum_n students, and (var k12:suppression_protect_numerators) none
    shows 1-10 students with or without the outcome; last year's values and the change are
    shown only when last year's cell is published. Returns the offending rows.
-#}
{{ config(tags=['marts_check'], severity='error', meta={
    'rule': 'no_small_count_published',
    'what': 'public_indicator_results: a published row describes at least k12:suppression_minimum_n students, shows no count of 1 to k12:suppression_minimum_n - 1 students with (or without) the outcome (var k12:suppression_protect_numerators, where the numerator counts students), and shows last year only when last year is published',
    'how_to_resolve': 'Do not share the file. A bug in the suppression models (int_public_cells_suppressed): report it.'}) }}

with

published as (
    select * from {{ ref('public_indicator_results') }}
    where not is_suppressed
),

catalog as (
    select * from {{ ref('indicator_catalog') }}
),

prior_cells as (
    select * from {{ ref('int_public_cells_suppressed') }}
)

select published.*
from published
inner join catalog
    on published.indicator_code = catalog.indicator_code
left join prior_cells
    on published.indicator_code = prior_cells.indicator_code
    and published.school_year - 1 = prior_cells.school_year
    and published.period_type = prior_cells.period_type
    and coalesce(published.as_of_instructional_day, -1) = coalesce(prior_cells.as_of_instructional_day, -1)
    and published.breakdown_type = prior_cells.breakdown_type
    and published.breakdown_value = prior_cells.breakdown_value
    and published.entity_type = prior_cells.entity_type
    and published.lea_code = prior_cells.lea_code
    and coalesce(published.school_code, '') = coalesce(prior_cells.school_code, '')
    and published.student_group_code = prior_cells.student_group_code
where published.student_count < {{ var('k12:suppression_minimum_n') }}
    {%- if var('k12:suppression_protect_numerators') %}
    or (catalog.numerator_counts_students and (
        published.numerator between 1 and {{ var('k12:suppression_minimum_n') - 1 }}
        or published.student_count - published.numerator between 1 and {{ var('k12:suppression_minimum_n') - 1 }}))
    {%- endif %}
    or (published.prior_rate_displayed is not null and coalesce(prior_cells.is_suppressed, true))
