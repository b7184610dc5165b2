-- The published schema (docs/schema.md). Researchers rely on it: add columns, never rename.

CREATE TABLE country (  -- One row per economy: the World Bank's 217, with their groups.
    iso3            VARCHAR PRIMARY KEY,  -- ISO 3166-1 alpha-3 (World Bank code; XKX = Kosovo, CHI = Channel Islands)
    name            VARCHAR NOT NULL,  -- name as the World Bank writes it
    wb_region       VARCHAR,              -- World Bank region
    income_group    VARCHAR,              -- World Bank income group (NULL = unclassified)
    income_group_fy SMALLINT,             -- World Bank fiscal year of that classification (July 2026 → 2027)
    m49_region      VARCHAR,              -- UN M49 region (XKX, CHI placed by indicators/groups.yaml)
    m49_subregion   VARCHAR,  -- UN M49 sub-region
    is_ldc          BOOLEAN,              -- least developed country, as of today (graduations applied)
    is_lldc         BOOLEAN,              -- landlocked developing country
    is_sids         BOOLEAN               -- small island developing state
);

CREATE TABLE country_name (  -- Every economy's name in the six UN languages, from the UN's terminology (UNTERM) where it has one.
    iso3          VARCHAR NOT NULL REFERENCES country (iso3),  -- the economy
    locale        VARCHAR NOT NULL,  -- 'en', 'fr', 'es', 'ar', 'zh' or 'ru'
    name          VARCHAR NOT NULL,  -- the name as its source writes it (UNTERM short names keep their article: "Afghanistan (l')")
    display_name  VARCHAR NOT NULL,  -- the name without UNTERM's trailing article in parentheses or footnote asterisk ("Afghanistan"), for lists and maps
    source        VARCHAR NOT NULL,  -- 'unterm' (UNTERM short name), 'ours' (etl/mappings/country_names.yaml),
                                     -- 'm49' (UNSD's M49 name, for territories UNTERM lacks) or 'world_bank'
                                     -- (the English name, where nothing else gives one)
    PRIMARY KEY (iso3, locale)
);

CREATE TABLE country_group (  -- Groups aggregated over: world, World Bank regions and income groups, M49 regions, LDC, LLDC, SIDS.
    group_id    VARCHAR PRIMARY KEY,      -- 'world', 'wb_region:south_asia', 'income_group:low_income', 'ldc', …
    group_type  VARCHAR NOT NULL,         -- world, wb_region, income_group, m49_region, m49_subregion, ldc, lldc, sids
    name        VARCHAR NOT NULL  -- display name
);

CREATE TABLE group_member (  -- Which economies belong to which group.
    group_id  VARCHAR NOT NULL REFERENCES country_group (group_id),  -- the group
    iso3      VARCHAR NOT NULL REFERENCES country (iso3),  -- a member economy
    PRIMARY KEY (group_id, iso3)
);

CREATE TABLE source (  -- One row per dataset release read; licence and attribution to reproduce.
    source_id     VARCHAR PRIMARY KEY,    -- dataset key and vintage, e.g. 'wdi:2026-07-13' ('…:undated' when the file states none)
    dataset_key   VARCHAR NOT NULL,       -- key of indicators/sources.yaml, e.g. 'wdi'
    publisher     VARCHAR NOT NULL,  -- who publishes the data
    dataset       VARCHAR NOT NULL,  -- the dataset's name
    url           VARCHAR NOT NULL,  -- where the publisher serves it
    license       VARCHAR NOT NULL,  -- the licence the data are under
    license_url   VARCHAR NOT NULL,  -- the licence text
    attribution   VARCHAR NOT NULL,  -- how to credit the source
    republication BOOLEAN NOT NULL,       -- a third party's copy of another dataset
    vintage       DATE,                   -- the publisher's release date ("Last Updated Date")
    retrieved_at  TIMESTAMPTZ             -- when `pull` downloaded it (NULL for files imported by hand)
);

CREATE TABLE source_file (  -- Every raw file the build read, and whether it was used or passed over.
    source_id       VARCHAR NOT NULL REFERENCES source (source_id),  -- the dataset release the file belongs to
    path            VARCHAR NOT NULL,     -- relative to the raw directory
    role            VARCHAR NOT NULL,     -- 'data' (gives observations), 'metadata', 'passed_over' (lost to another
                                          -- copy: etl/choose.py; its aggregates may still be kept), 'aggregates'
                                          -- (gives only publisher aggregates: published_aggregate) or 'unused'
                                          -- (nothing the catalogue uses)
    sha256          VARCHAR,              -- of the file (NULL for a pulled folder of pages: see its _origin.yml)
    passed_over_for VARCHAR,              -- for 'passed_over': the path of the file that won
    PRIMARY KEY (path)
);

CREATE TABLE indicator (  -- The series in the database (catalogue: indicators/catalogue/*.yaml).
    indicator_id      VARCHAR PRIMARY KEY,  -- stable snake_case id
    name              VARCHAR NOT NULL,  -- display name
    unit              VARCHAR NOT NULL,   -- human label, e.g. '% of population'
    description       VARCHAR NOT NULL,  -- what the series measures, in our words
    source_id         VARCHAR NOT NULL REFERENCES source (source_id),  -- the release most of its observations come from
    source_code       VARCHAR NOT NULL,   -- the publisher's own code, e.g. IT.NET.USER.ZS
    higher_is_better  BOOLEAN,            -- NULL for context series (population)
    breakdowns        VARCHAR[] NOT NULL,  -- dimensions it is published by: total, sex, area, age
    themes            VARCHAR[] NOT NULL  -- WSIS+20 Elements Paper sections it evidences
);

CREATE TABLE observation (  -- One value per indicator, economy, year and breakdown.
    indicator_id  VARCHAR NOT NULL REFERENCES indicator (indicator_id),  -- the series
    iso3          VARCHAR NOT NULL REFERENCES country (iso3),  -- the economy
    year          SMALLINT NOT NULL,  -- the year the value refers to
    sex           VARCHAR NOT NULL DEFAULT 'total',  -- 'total', 'female', 'male'
    area          VARCHAR NOT NULL DEFAULT 'total',  -- 'total', 'urban', 'rural'
    age           VARCHAR NOT NULL DEFAULT 'total',  -- 'total', '15-24', …
    value         DOUBLE NOT NULL,  -- in the indicator's unit
    obs_status    VARCHAR,                           -- publisher's flag, when it gives one
    source_id     VARCHAR NOT NULL REFERENCES source (source_id),  -- the release the value comes from
    vintage       DATE,  -- that release's date (NULL when the file states none)
    PRIMARY KEY (indicator_id, iso3, year, sex, area, age)
);

-- Aggregates as the publisher computed them (World Bank WLD, LDC, HIC, …), kept for reference
-- and checks; they are not economies, so they stay out of `country` and `observation`.
CREATE TABLE published_aggregate (  -- Aggregates as publishers computed them (World Bank WLD, ITU World, …): references, not economies.
    indicator_id  VARCHAR NOT NULL REFERENCES indicator (indicator_id),  -- the series
    source_id     VARCHAR NOT NULL REFERENCES source (source_id),  -- each edition is kept
    group_code    VARCHAR NOT NULL,   -- the publisher's code, e.g. WLD, itu:world
    group_name    VARCHAR NOT NULL,  -- the publisher's name of the group
    year          SMALLINT NOT NULL,  -- the year
    sex           VARCHAR NOT NULL DEFAULT 'total',  -- as in observation
    area          VARCHAR NOT NULL DEFAULT 'total',  -- as in observation
    age           VARCHAR NOT NULL DEFAULT 'total',  -- as in observation
    value         DOUBLE NOT NULL,  -- in the indicator's unit
    PRIMARY KEY (indicator_id, source_id, group_code, year, sex, area, age)
);

CREATE TABLE etl_run (  -- Each build that published this file, with the history of the files it replaced.
    run_id       VARCHAR PRIMARY KEY,  -- unique id of the run
    started_at   TIMESTAMPTZ NOT NULL,  -- when the build started (UTC)
    finished_at  TIMESTAMPTZ NOT NULL,  -- when it finished writing (UTC)
    status       VARCHAR NOT NULL,    -- 'published' (only runs that published a file are recorded in it)
    raw_dir      VARCHAR NOT NULL,  -- the raw directory read
    rows         BIGINT NOT NULL,     -- rows written to `observation`
    duration_s   DOUBLE NOT NULL,  -- seconds the build took
    rows_by_source VARCHAR NOT NULL,  -- JSON: dataset key → observation rows
    warnings     VARCHAR[] NOT NULL,  -- files passed over, entities excluded, quirks met
    message      VARCHAR NOT NULL     -- one-line summary
);

CREATE TABLE definition_change (  -- Years a spliced series changes definition (ITU price baskets): charts mark them.
    indicator_id  VARCHAR NOT NULL REFERENCES indicator (indicator_id),  -- a spliced series (catalogue definition_changes)
    year          SMALLINT NOT NULL,  -- first year of the new definition
    label         VARCHAR NOT NULL,  -- what it became, e.g. '5 GB from 2025'
    PRIMARY KEY (indicator_id, year)
);

-- Measures computed in the build (etl/measures; definitions in docs/methodology.md, "Measures").

CREATE TABLE theme (  -- The 16 sections of the WSIS+20 Elements Paper.
    theme_id     VARCHAR PRIMARY KEY,     -- WSIS+20 Elements Paper section, e.g. 'digital_divides'
    title        VARCHAR NOT NULL,  -- section title
    first_paragraph SMALLINT NOT NULL,  -- first paragraph of the section
    last_paragraph  SMALLINT NOT NULL,  -- last paragraph of the section
    summary      VARCHAR NOT NULL,        -- one line in our words
    n_indicators INTEGER NOT NULL,        -- 0: "no open indicator yet"
    missing      VARCHAR                  -- what would evidence the theme and why we lack it (NULL: nothing noted)
);

CREATE TABLE indicator_theme (  -- Which indicators evidence which WSIS+20 theme.
    indicator_id VARCHAR NOT NULL REFERENCES indicator (indicator_id),  -- an indicator
    theme_id     VARCHAR NOT NULL REFERENCES theme (theme_id),  -- a theme it evidences
    PRIMARY KEY (indicator_id, theme_id)
);

CREATE TABLE group_aggregate (  -- Group values computed by this project, with their coverage (docs/methodology.md).
    indicator_id        VARCHAR NOT NULL REFERENCES indicator (indicator_id),  -- the series
    group_id            VARCHAR NOT NULL REFERENCES country_group (group_id),  -- the group
    year                SMALLINT NOT NULL,  -- the year
    sex                 VARCHAR NOT NULL,  -- as in observation
    area                VARCHAR NOT NULL,  -- as in observation
    age                 VARCHAR NOT NULL,  -- as in observation
    value               DOUBLE,             -- NULL under 50 % population coverage or under 3 reporting members
    n_countries         INTEGER NOT NULL,   -- members with a value of their own (reported, interpolated or carried forward)
    n_members           INTEGER NOT NULL,  -- economies in the group
    n_carried_forward   INTEGER NOT NULL,   -- members whose value is an earlier year's (at most 3 years old)
    population_coverage DOUBLE,             -- share of the group's population with a value of its own
    method              VARCHAR NOT NULL,   -- weighted_mean, mean, median, sum, ratio_of_aggregates, …
    n_interpolated      INTEGER,            -- members whose value lies on the line between two of their reported years
    n_imputed           INTEGER,            -- members with no value of their own, imputed from their peers (weighted means)
    population_imputed  DOUBLE,             -- share of the group's population whose value is imputed
    PRIMARY KEY (indicator_id, group_id, year, sex, area, age)
);

CREATE TABLE aggregate_estimate (  -- The values that stand in for a member's missing year in group_aggregate (observation holds the reported ones).
    indicator_id  VARCHAR NOT NULL REFERENCES indicator (indicator_id),  -- the series
    iso3          VARCHAR NOT NULL REFERENCES country (iso3),  -- the economy
    year          SMALLINT NOT NULL,  -- the year it stands in for
    sex           VARCHAR NOT NULL,  -- as in observation
    area          VARCHAR NOT NULL,  -- as in observation
    age           VARCHAR NOT NULL,  -- as in observation
    value         DOUBLE NOT NULL,  -- in the indicator's unit
    kind          VARCHAR NOT NULL,  -- 'interpolated', 'carried_forward' or 'imputed' (from its peers: docs/methodology.md)
    anchor_year   SMALLINT,  -- the economy's own year the value starts from (NULL: imputed with no value of its own)
    PRIMARY KEY (indicator_id, iso3, year, sex, area, age)
);

CREATE TABLE publisher_group (  -- Publishers' aggregates named like our groups (indicators/publisher_groups.yaml): shown beside ours.
    group_id     VARCHAR NOT NULL REFERENCES country_group (group_id),  -- our group
    dataset_key  VARCHAR NOT NULL,  -- the publisher's dataset, as in source.dataset_key
    group_code   VARCHAR NOT NULL,  -- the publisher's code, as in published_aggregate.group_code
    match        VARCHAR NOT NULL,  -- 'same' economies, 'classification' (another edition of the income list) or 'approximate'
    note         VARCHAR,  -- how the groups differ, for 'approximate'
    PRIMARY KEY (group_id, dataset_key, group_code)
);

CREATE TABLE publisher_difference (  -- Where our Internet use differs from a publisher's figure by over half a point, and why.
    group_code  VARCHAR NOT NULL,  -- the publisher's code, as in publisher_group.group_code
    first_year  SMALLINT NOT NULL,  -- first year the reason covers
    last_year   SMALLINT NOT NULL,  -- last year the reason covers
    reason      VARCHAR NOT NULL,  -- why, in a sentence or two (tests/etl/test_publisher_agreement.py checks it is needed)
    PRIMARY KEY (group_code, first_year)
);

CREATE TABLE target (  -- Numeric targets adopted by UN agencies (indicators/targets.yaml).
    target_id      VARCHAR PRIMARY KEY,  -- stable id
    framework      VARCHAR NOT NULL,    -- UMC 2030, Broadband Commission 2025, A4AI, WSIS Geneva Plan of Action 2015
    label          VARCHAR NOT NULL,  -- what the target says, in our words (short)
    wording        VARCHAR,           -- the target in the framework's own words (NULL: not quoted)
    indicator_id   VARCHAR,             -- NULL: no open indicator measures it yet
    scope          VARCHAR NOT NULL,    -- the scope the target names: world, a group_id, or each_country
    comparator     VARCHAR NOT NULL,    -- '>=', '<=' or 'between'
    value          DOUBLE NOT NULL,  -- the target value, in the indicator's unit
    band           DOUBLE,              -- for 'between': value ± band (parity 1 ± 0.02)
    met_threshold  DOUBLE,              -- ITU scores a 100 % goal as met at 95 %
    bound          DOUBLE,              -- 100 for shares: progress is measured on the shortfall
    deadline_year  SMALLINT NOT NULL,  -- the year it is due
    source_url     VARCHAR NOT NULL,  -- where the target was adopted
    note           VARCHAR,  -- caveats of the measurement
    pace           VARCHAR  -- how progress is measured: 'shortfall' (shares with a bound, '<=', 'between') or 'growth' of the value; NULL: no open indicator
);

CREATE TABLE target_progress (  -- Status of each target for the scopes it names (world target: the world, every group and every economy; a group's target: the group and its members; each_country: every economy). Rules: etl/measures/status_rules.py, printed on the About page.
    target_id      VARCHAR NOT NULL REFERENCES target (target_id),  -- the target
    scope_id       VARCHAR NOT NULL,    -- 'world', a group_id, or an ISO3 code
    scope_type     VARCHAR NOT NULL,    -- world, group, country
    basis          VARCHAR NOT NULL,    -- series of the pace: 'ours' (our aggregates/observations) or 'publisher:<source_id>'
    base_year      SMALLINT,  -- first year with data from 2015
    base_value     DOUBLE,  -- value in the base year
    latest_year    SMALLINT,  -- last year with data
    latest_value   DOUBLE,  -- value in the latest year
    required_rate  DOUBLE,              -- compound annual rate needed from the base (on the shortfall for shares)
    observed_rate  DOUBLE,  -- compound annual rate observed since the base (same basis as required_rate)
    ratio          DOUBLE,              -- observed ÷ required (Open SDG pace ratio; an input of the status, not the verdict)
    status         VARCHAR NOT NULL,    -- met, not met, on track, acceleration needed, limited progress, deteriorating,
                                        -- insufficient data, no open indicator (the first rule of status_rules.RULES that holds)
    projected_year SMALLINT,            -- when the target is reached at the observed pace from the latest value (NULL: never)
    distance       DOUBLE,              -- still to go from the latest value, in the indicator's unit (percentage points for shares)
    pace_status    VARCHAR,             -- the Open SDG category of the ratio alone (≥ 0.95 on track, ≥ 0.60 acceleration needed, ≥ 0 limited progress, else deteriorating); NULL: no ratio
    deadline_passed BOOLEAN,            -- the deadline year is before the build's year, or a value for the deadline year exists
    status_value   DOUBLE,              -- the value the status rests on (the deadline year's once the deadline has passed, else the latest)
    status_year    SMALLINT,            -- the year of status_value
    status_basis   VARCHAR,             -- where status_value comes from: 'ours' or 'publisher:<source_id>' (the newest edition with that year)
    status_text    VARCHAR,             -- the badge, e.g. 'not met: 73.6 % in 2025 (World Bank, Jul 2026)'
    rule_id        VARCHAR,             -- the rule of etl/measures/status_rules.py that gave the status
    pace           VARCHAR,             -- how the rates apply: 'shortfall', 'growth' or 'linear' (an unbounded target from a value ≤ 0); NULL: no open indicator
    projection_years  SMALLINT[],       -- the projected path at the observed pace, from the latest year to the deadline or the year the target is reached (empty: nothing to project)
    projection_values DOUBLE[],         -- the values of that path (the first is the latest value)
    PRIMARY KEY (target_id, scope_id)
);

CREATE TABLE affordability (  -- Economies meeting the 2 % affordability threshold, per price basket, group and year.
    indicator_id  VARCHAR NOT NULL REFERENCES indicator (indicator_id),  -- a price basket in % of GNI p.c.
    group_id      VARCHAR NOT NULL REFERENCES country_group (group_id),  -- the group
    year          SMALLINT NOT NULL,  -- the year
    n_economies   INTEGER NOT NULL,     -- members with a price that year
    n_meeting     INTEGER NOT NULL,     -- … at or under 2 % of monthly GNI per capita
    share_meeting DOUBLE NOT NULL,  -- n_meeting ÷ n_economies
    median_value  DOUBLE NOT NULL,  -- median price of the members, % of monthly GNI per capita
    PRIMARY KEY (indicator_id, group_id, year)
);

CREATE TABLE inequality (  -- Inequality of Internet use across economies, per year.
    indicator_id  VARCHAR NOT NULL REFERENCES indicator (indicator_id),  -- the series (internet_use)
    year          SMALLINT NOT NULL,  -- the year
    n_countries   INTEGER NOT NULL,  -- economies reporting that year
    gini          DOUBLE,               -- population-weighted Gini across economies
    theil         DOUBLE,               -- Theil T = theil_between + theil_within
    theil_between DOUBLE,               -- part due to differences between World Bank regions
    theil_within  DOUBLE,               -- part due to differences inside regions
    grouping      VARCHAR NOT NULL,     -- the grouping of the decomposition: wb_region
    PRIMARY KEY (indicator_id, year)
);

-- Views: predicates that the dashboard's queries (dashboard/queries) and researchers share, written once.

CREATE VIEW observation_total AS  -- Observations without a breakdown (sex, area and age all 'total'): one value per indicator, economy and year.
    SELECT * FROM observation WHERE sex = 'total' AND area = 'total' AND age = 'total';

CREATE VIEW group_aggregate_total AS  -- Our group aggregates without a breakdown (sex, area and age all 'total').
    SELECT * FROM group_aggregate WHERE sex = 'total' AND area = 'total' AND age = 'total';

CREATE VIEW published_aggregate_total AS  -- Publishers' aggregates without a breakdown (sex, area and age all 'total').
    SELECT * FROM published_aggregate WHERE sex = 'total' AND area = 'total' AND age = 'total';
