-- Group aggregates (DESIGN.md §4), for every indicator whose rule (indicators/units.yaml) is not 'none'.
-- Inputs: observation, group_member, and the temp table aggregate_rule(indicator_id, method).
-- Parameters: $carry_years (a value stands in for up to this many later years, flagged) and
-- $min_coverage (share of the group's population that must have data, else the value is NULL).
--
-- Gap rule: a member's latest value of the last $carry_years years stands in for a year it did not
-- report; such members are counted in n_carried_forward. Members with no value in that window
-- count as missing; population_coverage is the share of the group's population with a value.
-- Weights are total population (the latest of the last 5 years), also for breakdowns by sex or age,
-- for which no population is published here: an approximation, stated in the README.

-- Years run from a slice's first year to its last broadly reported one: a year that fewer than half
-- as many economies report as in its best year (e.g. 10 early reporters of 2025) would be mostly
-- carried-forward values, so no group value is formed for it.
CREATE TEMP TABLE slice_year AS
WITH reporting AS (
    SELECT o.indicator_id, o.sex, o.area, o.age, o.year, count(DISTINCT o.iso3) AS economies
    FROM observation o JOIN aggregate_rule r USING (indicator_id) GROUP BY ALL
), span AS (
    SELECT indicator_id, sex, area, age, min(year) AS first_year,
           max(year) FILTER (economies >= 0.5 * best) AS last_year
    FROM (SELECT *, max(economies) OVER (PARTITION BY indicator_id, sex, area, age) AS best FROM reporting)
    GROUP BY ALL
)
SELECT indicator_id, sex, area, age, unnest(range(first_year, last_year + 1)) AS year FROM span;

CREATE TEMP TABLE grid AS
SELECT s.*, c.iso3 FROM slice_year s CROSS JOIN country c;

CREATE TEMP TABLE filled AS
SELECT g.indicator_id, g.sex, g.area, g.age, g.year, g.iso3,
       CASE WHEN g.year - o.year <= $carry_years THEN o.value END AS value,
       CASE WHEN g.year - o.year <= $carry_years THEN o.year END AS value_year
FROM grid g ASOF LEFT JOIN observation o
  ON o.indicator_id = g.indicator_id AND o.sex = g.sex AND o.area = g.area AND o.age = g.age
 AND o.iso3 = g.iso3 AND o.year <= g.year;

CREATE TEMP TABLE weight AS
SELECT g.iso3, g.year, CASE WHEN g.year - p.year <= 5 THEN p.value END AS population
FROM (SELECT DISTINCT iso3, year FROM grid) g ASOF LEFT JOIN observation p
  ON p.indicator_id = 'population' AND p.sex = 'total' AND p.area = 'total' AND p.age = 'total'
 AND p.iso3 = g.iso3 AND p.year <= g.year;

INSERT INTO group_aggregate
SELECT indicator_id, group_id, year, sex, area, age,
       CASE WHEN coverage < $min_coverage THEN NULL ELSE raw_value END AS value,
       n_countries, n_members, n_carried_forward, coverage AS population_coverage, method
FROM (
    SELECT f.indicator_id, m.group_id, f.year, f.sex, f.area, f.age, any_value(r.method) AS method,
           CASE any_value(r.method)
               WHEN 'weighted_mean' THEN sum(f.value * w.population) FILTER (f.value IS NOT NULL AND w.population > 0)
                                       / sum(w.population) FILTER (f.value IS NOT NULL AND w.population > 0)
               WHEN 'mean' THEN avg(f.value)
               WHEN 'median' THEN median(f.value)
               -- A sum over part of a group is scaled up to the whole group by its population coverage.
               WHEN 'sum' THEN sum(f.value) / nullif(sum(w.population) FILTER (f.value IS NOT NULL), 0)
                               * sum(w.population)
           END AS raw_value,
           count(f.value) AS n_countries,
           count(*) AS n_members,
           count(*) FILTER (f.value_year < f.year) AS n_carried_forward,
           coalesce(sum(w.population) FILTER (f.value IS NOT NULL), 0) / nullif(sum(w.population), 0) AS coverage
    FROM filled f
    JOIN group_member m USING (iso3)
    JOIN aggregate_rule r USING (indicator_id)
    LEFT JOIN weight w USING (iso3, year)
    GROUP BY f.indicator_id, m.group_id, f.year, f.sex, f.area, f.age
)
WHERE n_countries > 0;

-- Ratios of groups are ratios of their aggregates (not means of country ratios): gender parity of a
-- group = its women's Internet use ÷ its men's, each population-weighted as above.
INSERT INTO group_aggregate
SELECT 'internet_gender_parity', f.group_id, f.year, 'total', f.area, f.age,
       f.value / m.value, least(f.n_countries, m.n_countries), f.n_members,
       greatest(f.n_carried_forward, m.n_carried_forward),
       least(f.population_coverage, m.population_coverage), 'ratio_of_aggregates'
FROM group_aggregate f JOIN group_aggregate m USING (indicator_id, group_id, year, area, age)
WHERE f.indicator_id = 'internet_use' AND f.sex = 'female' AND m.sex = 'male' AND m.value > 0;

INSERT INTO group_aggregate
SELECT 'internet_gender_gap', f.group_id, f.year, 'total', f.area, f.age,
       m.value - f.value, least(f.n_countries, m.n_countries), f.n_members,
       greatest(f.n_carried_forward, m.n_carried_forward),
       least(f.population_coverage, m.population_coverage), 'difference_of_aggregates'
FROM group_aggregate f JOIN group_aggregate m USING (indicator_id, group_id, year, area, age)
WHERE f.indicator_id = 'internet_use' AND f.sex = 'female' AND m.sex = 'male';
