select * from {{ source('sis', 'schools') }}
