-- Unpublish: the period's results become a draft again (the audit entry keeps who, when and why).
-- $fiscal_year: integer
-- $inspection_round: integer
delete from publications
where fiscal_year = $fiscal_year
  and inspection_round = $inspection_round
