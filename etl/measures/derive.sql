-- Country-level measures derived from published series (indicators/catalogue/derived.yaml).
-- Runs on the staging database after the base tables are loaded; $source_id names the derived source.

CREATE TEMP VIEW iu AS
SELECT iso3, year, sex, area, age, value FROM observation WHERE indicator_id = 'internet_use';

INSERT INTO observation (indicator_id, iso3, year, sex, area, age, value, obs_status, source_id, vintage)
-- People offline: population × (100 − Internet use) / 100 (both totals, same year).
SELECT 'people_offline', i.iso3, i.year, 'total', 'total', 'total',
       p.value * (100 - i.value) / 100, 'derived', $source_id, NULL
FROM iu i JOIN observation p
  ON p.indicator_id = 'population' AND p.iso3 = i.iso3 AND p.year = i.year
 AND p.sex = 'total' AND p.area = 'total' AND p.age = 'total'
WHERE i.sex = 'total' AND i.area = 'total' AND i.age = 'total'

UNION ALL  -- Gender parity score and gap, per area and age where both sexes are reported.
SELECT 'internet_gender_parity', f.iso3, f.year, 'total', f.area, f.age, f.value / m.value, 'derived', $source_id, NULL
FROM iu f JOIN iu m USING (iso3, year, area, age)
WHERE f.sex = 'female' AND m.sex = 'male' AND m.value > 0
UNION ALL
SELECT 'internet_gender_gap', f.iso3, f.year, 'total', f.area, f.age, m.value - f.value, 'derived', $source_id, NULL
FROM iu f JOIN iu m USING (iso3, year, area, age)
WHERE f.sex = 'female' AND m.sex = 'male'

UNION ALL  -- Rural ÷ urban, and the urban − rural gap, per sex.
SELECT 'internet_rural_urban_ratio', r.iso3, r.year, r.sex, 'total', 'total', r.value / u.value, 'derived',
       $source_id, NULL
FROM iu r JOIN iu u USING (iso3, year, sex, age)
WHERE r.area = 'rural' AND u.area = 'urban' AND r.age = 'total' AND u.value > 0
UNION ALL
SELECT 'internet_urban_rural_gap', r.iso3, r.year, r.sex, 'total', 'total', u.value - r.value, 'derived',
       $source_id, NULL
FROM iu r JOIN iu u USING (iso3, year, sex, age)
WHERE r.area = 'rural' AND u.area = 'urban' AND r.age = 'total'

UNION ALL  -- Youth (15–24) ÷ all ages, per sex.
SELECT 'internet_youth_ratio', y.iso3, y.year, y.sex, 'total', 'total', y.value / a.value, 'derived',
       $source_id, NULL
FROM iu y JOIN iu a USING (iso3, year, sex, area)
WHERE y.age = '15-24' AND a.age = 'total' AND y.area = 'total' AND a.value > 0;
