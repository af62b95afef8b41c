-- One row per item of the organisation's names (org_name, org_short, centre_name, secretariat, …),
-- in Thai and English.
select
    item,
    value_th,
    value_en
from organisation
order by item
