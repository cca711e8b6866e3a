-- The reminder list (workflow.md "Import batches"; 粤人社规〔2023〕4号: remind the person three
-- months before the certification expires): eligible results of the period whose
-- certified_until (the last valid month, YYYY-MM) lies from P to P + 3. months_left is 0 when
-- the certification ends in P itself. The same rule as matching/worklists.ts isReminder.
CREATE VIEW reminders AS
  SELECT period, area_code, person_id, certified_until, months_left
    FROM (
      SELECT period, area_code, person_id, certified_until,
             (substr(certified_until, 1, 4)::int * 12 + substr(certified_until, 6, 2)::int)
               - (substr(period, 1, 4)::int * 12 + substr(period, 6, 2)::int) AS months_left
        FROM results
       WHERE decision = 'eligible' AND certified_until IS NOT NULL
    ) ahead
   WHERE months_left BETWEEN 0 AND 3;
