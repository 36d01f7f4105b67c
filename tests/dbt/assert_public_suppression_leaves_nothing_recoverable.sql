{#-
    Public suppression converged: no relation (a group and its child groups in an entity, or
    a group's LEA cell and its school cells) lets a blanked cell, or a total of 1-10
    students, be recovered by subtraction. Returns the violated relations; raise var
    k12:suppression_max_passes if any remain.
-#}
{{ config(meta={'what': 'Relations of public_indicator_results whose blanked cells can be recovered by subtraction',
                'how_to_resolve': 'Raise var k12:suppression_max_passes (complementary suppression did not converge).'}) }}

select *
from {{ ref('int_public_suppression_checked') }}
where is_violated
