{#-
    Rule numerator_within_denominator (k12 check --marts): a percentage indicator's
    numerator is 0 or more and at most its denominator (indicator_catalog.rate_unit =
    percent), and no indicator's denominator is negative. Returns the offending rows.
-#}
{{ config(tags=['marts_check'], severity='error', meta={
    'rule': 'numerator_within_denominator',
    'what': "indicator_results: a percentage indicator's numerator is 0 or more and at most its denominator; no denominator is negative",
    'how_to_resolve': 'A bug in the indicator models. Report it with the indicator and cell of the rows.'}) }}

with

results as (
    select * from {{ ref('indicator_results') }}
),

catalog as (
    select * from {{ ref('indicator_catalog') }}
)

select results.*
from results
left join catalog
    on results.indicator_code = catalog.indicator_code
where results.denominator < 0
    or (catalog.rate_unit = 'percent' and (results.numerator < 0 or results.numerator > results.denominator))
