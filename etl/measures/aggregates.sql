-- Group aggregates, for every indicator whose rule (indicators/units.yaml) is not 'none'.
-- Inputs: observation, country, group_member, and the temp table
-- aggregate_rule(indicator_id, method, min_value, max_value).
-- Parameters: $carry_years, $max_interpolation_gap, $max_anchor_gap, $min_coverage, $min_reporting
-- (etl/measures/run.py).
--
-- Each member economy gets, for each year, a value of its own or an imputed one:
--   reported         its value for that year;
--   interpolated     a gap between two of its reported years at most $max_interpolation_gap apart,
--                    filled on the straight line between them;
--   carried forward  its latest value of the last $carry_years years, when no later value exists;
--   imputed          (population-weighted means of totals only: a breakdown by sex, area or age is
--                    better left out than guessed from other economies) none of the above: its nearest own value (its
--                    latest earlier one, else its first later one, at most $max_anchor_gap years away)
--                    scaled by its peers' mean now over their mean in that value's year (the ratio to
--                    its peers is kept, as the World Bank imputes), or its peers' mean when it has no
--                    such value. Peers are the economies with a value of their own in the same World
--                    Bank region and income group, else the same income group, else region, else the
--                    world, at least two of them; the result stays within the unit's range.
-- Publishers do the same in spirit: without it, an economy with no recent value is in effect counted
-- at the average of those with data, which overstated world Internet use by ~1.5 points in 2024
-- (Myanmar, Sudan, Yemen, DPR Korea, Syria, South Sudan, Turkmenistan: ~216 M people).
--
-- A group value needs a value of their own from members holding at least $min_coverage of the
-- group's population (population_coverage) and from at least $min_reporting members (two in a group
-- of three), else it is NULL: one economy never stands for a group. population_imputed is the share of
-- the group's population whose value was imputed.
-- Weights are total population (the latest of the last 5 years), also for breakdowns by sex or age,
-- for which no population is published here: an approximation, stated in docs.

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

CREATE TEMP TABLE weight AS
SELECT g.iso3, g.year, CASE WHEN g.year - p.year <= 5 THEN p.value END AS population
FROM (SELECT DISTINCT iso3, year FROM grid) g ASOF LEFT JOIN observation p
  ON p.indicator_id = 'population' AND p.sex = 'total' AND p.area = 'total' AND p.age = 'total'
 AND p.iso3 = g.iso3 AND p.year <= g.year;

-- Each member's own value for each year (reported, interpolated or carried forward), with its
-- nearest own value as the anchor of an imputation.
CREATE TEMP TABLE filled AS
WITH neighbours AS (
    SELECT g.indicator_id, g.sex, g.area, g.age, g.year, g.iso3,
           before.year AS prev_year, before.value AS prev_value
    FROM grid g ASOF LEFT JOIN observation before
      ON before.indicator_id = g.indicator_id AND before.sex = g.sex AND before.area = g.area
     AND before.age = g.age AND before.iso3 = g.iso3 AND before.year <= g.year
), both_sides AS (
    SELECT n.*, after.year AS next_year, after.value AS next_value
    FROM neighbours n ASOF LEFT JOIN observation after
      ON after.indicator_id = n.indicator_id AND after.sex = n.sex AND after.area = n.area
     AND after.age = n.age AND after.iso3 = n.iso3 AND after.year >= n.year
)
SELECT indicator_id, sex, area, age, year, iso3,
       CASE WHEN prev_year = year THEN 'reported'
            WHEN next_year - prev_year <= $max_interpolation_gap THEN 'interpolated'
            WHEN next_year IS NULL AND year - prev_year <= $carry_years THEN 'carried_forward'
       END AS kind,
       CASE WHEN prev_year = year THEN prev_value
            WHEN next_year - prev_year <= $max_interpolation_gap
                 THEN prev_value + (next_value - prev_value) * (year - prev_year) / (next_year - prev_year)
            WHEN next_year IS NULL AND year - prev_year <= $carry_years THEN prev_value
       END AS value,
       coalesce(prev_year, next_year) AS anchor_year,
       CASE WHEN prev_year IS NOT NULL THEN prev_value ELSE next_value END AS anchor_value
FROM both_sides;

-- The peer levels of each economy, most specific first.
CREATE TEMP TABLE peer_key AS
SELECT iso3, 1 AS level, wb_region || ' | ' || income_group AS peer FROM country
WHERE wb_region IS NOT NULL AND income_group IS NOT NULL
UNION ALL SELECT iso3, 2, income_group FROM country WHERE income_group IS NOT NULL
UNION ALL SELECT iso3, 3, wb_region FROM country WHERE wb_region IS NOT NULL
UNION ALL SELECT iso3, 4, 'world' FROM country;

CREATE TEMP TABLE peer_mean AS
SELECT f.indicator_id, f.sex, f.area, f.age, f.year, k.level, k.peer,
       sum(f.value * w.population) / sum(w.population) AS value
FROM filled f
JOIN aggregate_rule r USING (indicator_id)
JOIN peer_key k USING (iso3)
JOIN weight w USING (iso3, year)
WHERE r.method = 'weighted_mean' AND f.value IS NOT NULL AND w.population > 0
  AND f.sex = 'total' AND f.area = 'total' AND f.age = 'total'
GROUP BY ALL
HAVING count(*) >= 2;

CREATE TEMP TABLE imputed AS
WITH candidate AS (
    SELECT f.indicator_id, f.sex, f.area, f.age, f.year, f.iso3, k.level,
           at_anchor.value > 0 AS anchored,
           CASE WHEN at_anchor.value > 0 THEN f.anchor_value * now.value / at_anchor.value
                ELSE now.value END AS estimate
    FROM filled f
    JOIN aggregate_rule r USING (indicator_id)
    JOIN peer_key k USING (iso3)
    JOIN peer_mean now
      ON now.indicator_id = f.indicator_id AND now.sex = f.sex AND now.area = f.area AND now.age = f.age
     AND now.year = f.year AND now.level = k.level AND now.peer = k.peer
    LEFT JOIN peer_mean at_anchor
      ON at_anchor.indicator_id = f.indicator_id AND at_anchor.sex = f.sex AND at_anchor.area = f.area
     AND at_anchor.age = f.age AND at_anchor.year = f.anchor_year AND at_anchor.level = k.level
     AND at_anchor.peer = k.peer AND abs(f.year - f.anchor_year) <= $max_anchor_gap
    WHERE r.method = 'weighted_mean' AND f.value IS NULL
)
-- An anchored estimate (the economy's own level, moved) beats a plain peer mean; then the closest peers.
SELECT c.indicator_id, c.sex, c.area, c.age, c.year, c.iso3,
       least(greatest(arg_min(c.estimate, (NOT c.anchored, c.level)), any_value(r.min_value)),
             coalesce(any_value(r.max_value), 'infinity'::DOUBLE)) AS value,
       bool_or(c.anchored) AS anchored
FROM candidate c JOIN aggregate_rule r USING (indicator_id)
GROUP BY c.indicator_id, c.sex, c.area, c.age, c.year, c.iso3;

CREATE TEMP TABLE member_value AS
SELECT f.indicator_id, f.sex, f.area, f.age, f.year, f.iso3,
       coalesce(f.kind, CASE WHEN i.value IS NOT NULL THEN 'imputed' END) AS kind,
       coalesce(f.value, i.value) AS value,
       CASE WHEN f.kind IS NOT NULL OR i.anchored THEN f.anchor_year END AS anchor_year
FROM filled f LEFT JOIN imputed i USING (indicator_id, sex, area, age, year, iso3);


INSERT INTO group_aggregate BY NAME
SELECT indicator_id, group_id, year, sex, area, age,
       CASE WHEN coverage < $min_coverage OR n_countries < greatest(2, least($min_reporting, n_members - 1))
            THEN NULL ELSE raw_value END AS value,
       n_countries, n_members, n_carried_forward, n_interpolated, n_imputed,
       coverage AS population_coverage, imputed_share AS population_imputed, method
FROM (
    SELECT v.indicator_id, m.group_id, v.year, v.sex, v.area, v.age, any_value(r.method) AS method,
           CASE any_value(r.method)
               WHEN 'weighted_mean' THEN sum(v.value * w.population) FILTER (v.value IS NOT NULL AND w.population > 0)
                                       / sum(w.population) FILTER (v.value IS NOT NULL AND w.population > 0)
               WHEN 'mean' THEN avg(v.value)
               WHEN 'median' THEN median(v.value)
               -- A sum over part of a group is scaled up to the whole group by its population coverage.
               WHEN 'sum' THEN sum(v.value) / nullif(sum(w.population) FILTER (v.value IS NOT NULL), 0)
                               * sum(w.population)
           END AS raw_value,
           count(v.value) FILTER (v.kind <> 'imputed') AS n_countries,
           count(*) AS n_members,
           count(*) FILTER (v.kind = 'carried_forward') AS n_carried_forward,
           count(*) FILTER (v.kind = 'interpolated') AS n_interpolated,
           count(*) FILTER (v.kind = 'imputed') AS n_imputed,
           coalesce(sum(w.population) FILTER (v.kind <> 'imputed'), 0) / nullif(sum(w.population), 0) AS coverage,
           coalesce(sum(w.population) FILTER (v.kind = 'imputed'), 0) / nullif(sum(w.population), 0)
               AS imputed_share
    FROM member_value v
    JOIN group_member m USING (iso3)
    JOIN aggregate_rule r USING (indicator_id)
    LEFT JOIN weight w USING (iso3, year)
    GROUP BY v.indicator_id, m.group_id, v.year, v.sex, v.area, v.age
)
WHERE n_countries > 0;

-- The estimates that entered a published group value, so that anyone can recompute it (or one over
-- another membership, as tests/etl/test_publisher_agreement.py does) from observation and this table.
INSERT INTO aggregate_estimate BY NAME
SELECT v.indicator_id, v.iso3, v.year, v.sex, v.area, v.age, v.value, v.kind, v.anchor_year
FROM member_value v
WHERE v.kind IN ('interpolated', 'carried_forward', 'imputed') AND EXISTS (
    SELECT 1 FROM group_aggregate g JOIN group_member m USING (group_id)
    WHERE m.iso3 = v.iso3 AND g.indicator_id = v.indicator_id AND g.year = v.year AND g.sex = v.sex
      AND g.area = v.area AND g.age = v.age AND g.value IS NOT NULL);

-- People offline of a group: its population less its Internet users, from the group's Internet use
-- above (imputations included), so the two numbers always agree; a sum of the members' own values
-- would count the economies without one at the average of the others.
UPDATE group_aggregate SET value = u.population * (100 - u.value) / 100, method = 'population_x_offline_share'
FROM (
    SELECT g.group_id, g.year, g.value, sum(w.population) AS population
    FROM group_aggregate g JOIN group_member m USING (group_id) JOIN weight w ON w.iso3 = m.iso3 AND w.year = g.year
    WHERE g.indicator_id = 'internet_use' AND g.sex = 'total' AND g.area = 'total' AND g.age = 'total'
    GROUP BY ALL
) u
WHERE group_aggregate.indicator_id = 'people_offline' AND group_aggregate.group_id = u.group_id
  AND group_aggregate.year = u.year AND group_aggregate.sex = 'total' AND group_aggregate.area = 'total'
  AND group_aggregate.age = 'total';

-- Ratios of groups are ratios of their aggregates (not means of country ratios): gender parity of a
-- group = its women's Internet use ÷ its men's, each population-weighted as above.
INSERT INTO group_aggregate BY NAME
SELECT 'internet_gender_parity' AS indicator_id, f.group_id, f.year, 'total' AS sex, f.area, f.age,
       f.value / m.value AS value, least(f.n_countries, m.n_countries) AS n_countries, f.n_members,
       greatest(f.n_carried_forward, m.n_carried_forward) AS n_carried_forward,
       greatest(f.n_interpolated, m.n_interpolated) AS n_interpolated,
       greatest(f.n_imputed, m.n_imputed) AS n_imputed,
       least(f.population_coverage, m.population_coverage) AS population_coverage,
       greatest(f.population_imputed, m.population_imputed) AS population_imputed,
       'ratio_of_aggregates' AS method
FROM group_aggregate f JOIN group_aggregate m USING (indicator_id, group_id, year, area, age)
WHERE f.indicator_id = 'internet_use' AND f.sex = 'female' AND m.sex = 'male' AND m.value > 0;

INSERT INTO group_aggregate BY NAME
SELECT 'internet_gender_gap' AS indicator_id, f.group_id, f.year, 'total' AS sex, f.area, f.age,
       m.value - f.value AS value, least(f.n_countries, m.n_countries) AS n_countries, f.n_members,
       greatest(f.n_carried_forward, m.n_carried_forward) AS n_carried_forward,
       greatest(f.n_interpolated, m.n_interpolated) AS n_interpolated,
       greatest(f.n_imputed, m.n_imputed) AS n_imputed,
       least(f.population_coverage, m.population_coverage) AS population_coverage,
       greatest(f.population_imputed, m.population_imputed) AS population_imputed,
       'difference_of_aggregates' AS method
FROM group_aggregate f JOIN group_aggregate m USING (indicator_id, group_id, year, area, age)
WHERE f.indicator_id = 'internet_use' AND f.sex = 'female' AND m.sex = 'male';
