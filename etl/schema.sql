-- The published schema (DESIGN.md §3). Researchers rely on it: add columns, never rename.

CREATE TABLE country (
    iso3            VARCHAR PRIMARY KEY,  -- ISO 3166-1 alpha-3 (World Bank code; XKX = Kosovo, CHI = Channel Islands)
    name            VARCHAR NOT NULL,
    wb_region       VARCHAR,              -- World Bank region
    income_group    VARCHAR,              -- World Bank income group (NULL = unclassified)
    income_group_fy SMALLINT,             -- World Bank fiscal year of that classification (July 2026 → 2027)
    m49_region      VARCHAR,              -- UN M49 region (XKX, CHI placed by indicators/groups.yaml)
    m49_subregion   VARCHAR,
    is_ldc          BOOLEAN,              -- least developed country, as of today (graduations applied)
    is_lldc         BOOLEAN,              -- landlocked developing country
    is_sids         BOOLEAN               -- small island developing state
);

CREATE TABLE country_group (
    group_id    VARCHAR PRIMARY KEY,      -- 'world', 'wb_region:south_asia', 'income_group:low_income', 'ldc', …
    group_type  VARCHAR NOT NULL,         -- world, wb_region, income_group, m49_region, m49_subregion, ldc, lldc, sids
    name        VARCHAR NOT NULL
);

CREATE TABLE group_member (
    group_id  VARCHAR NOT NULL REFERENCES country_group (group_id),
    iso3      VARCHAR NOT NULL REFERENCES country (iso3),
    PRIMARY KEY (group_id, iso3)
);

CREATE TABLE source (
    source_id     VARCHAR PRIMARY KEY,    -- dataset key and vintage, e.g. 'wdi:2026-07-13' ('…:undated' when the file states none)
    dataset_key   VARCHAR NOT NULL,       -- key of indicators/sources.yaml, e.g. 'wdi'
    publisher     VARCHAR NOT NULL,
    dataset       VARCHAR NOT NULL,
    url           VARCHAR NOT NULL,
    license       VARCHAR NOT NULL,
    license_url   VARCHAR NOT NULL,
    attribution   VARCHAR NOT NULL,
    republication BOOLEAN NOT NULL,       -- a third party's copy of another dataset
    vintage       DATE,                   -- the publisher's release date ("Last Updated Date")
    retrieved_at  TIMESTAMPTZ             -- when `pull` downloaded it (NULL for files imported by hand)
);

CREATE TABLE source_file (
    source_id       VARCHAR NOT NULL REFERENCES source (source_id),
    path            VARCHAR NOT NULL,     -- relative to the raw directory
    role            VARCHAR NOT NULL,     -- 'data', 'metadata', 'passed_over' (lost to another copy: etl/choose.py)
                                          -- or 'unused' (no series the catalogue uses)
    sha256          VARCHAR,              -- of the file (NULL for a pulled folder of pages: see its _origin.yml)
    passed_over_for VARCHAR,              -- for 'passed_over': the path of the file that won
    PRIMARY KEY (path)
);

CREATE TABLE indicator (
    indicator_id      VARCHAR PRIMARY KEY,
    name              VARCHAR NOT NULL,
    unit              VARCHAR NOT NULL,   -- human label, e.g. '% of population'
    description       VARCHAR NOT NULL,
    source_id         VARCHAR NOT NULL REFERENCES source (source_id),
    source_code       VARCHAR NOT NULL,   -- the publisher's own code, e.g. IT.NET.USER.ZS
    higher_is_better  BOOLEAN,            -- NULL for context series (population)
    breakdowns        VARCHAR[] NOT NULL,
    themes            VARCHAR[] NOT NULL  -- WSIS+20 Elements Paper sections it evidences
);

CREATE TABLE observation (
    indicator_id  VARCHAR NOT NULL REFERENCES indicator (indicator_id),
    iso3          VARCHAR NOT NULL REFERENCES country (iso3),
    year          SMALLINT NOT NULL,
    sex           VARCHAR NOT NULL DEFAULT 'total',  -- 'total', 'female', 'male'
    area          VARCHAR NOT NULL DEFAULT 'total',  -- 'total', 'urban', 'rural'
    age           VARCHAR NOT NULL DEFAULT 'total',  -- 'total', '15-24', …
    value         DOUBLE NOT NULL,
    obs_status    VARCHAR,                           -- publisher's flag, when it gives one
    source_id     VARCHAR NOT NULL REFERENCES source (source_id),
    vintage       DATE,
    PRIMARY KEY (indicator_id, iso3, year, sex, area, age)
);

-- Aggregates as the publisher computed them (World Bank WLD, LDC, HIC, …), kept for reference
-- and checks; they are not economies, so they stay out of `country` and `observation`.
CREATE TABLE published_aggregate (
    indicator_id  VARCHAR NOT NULL REFERENCES indicator (indicator_id),
    source_id     VARCHAR NOT NULL REFERENCES source (source_id),  -- each edition is kept
    group_code    VARCHAR NOT NULL,   -- the publisher's code, e.g. WLD, itu:world
    group_name    VARCHAR NOT NULL,
    year          SMALLINT NOT NULL,
    sex           VARCHAR NOT NULL DEFAULT 'total',
    area          VARCHAR NOT NULL DEFAULT 'total',
    age           VARCHAR NOT NULL DEFAULT 'total',
    value         DOUBLE NOT NULL,
    PRIMARY KEY (indicator_id, source_id, group_code, year, sex, area, age)
);

CREATE TABLE etl_run (
    run_id       VARCHAR PRIMARY KEY,
    started_at   TIMESTAMPTZ NOT NULL,
    finished_at  TIMESTAMPTZ NOT NULL,
    status       VARCHAR NOT NULL,    -- 'published' (only runs that published a file are recorded in it)
    raw_dir      VARCHAR NOT NULL,
    rows         BIGINT NOT NULL,     -- rows written to `observation`
    duration_s   DOUBLE NOT NULL,
    rows_by_source VARCHAR NOT NULL,  -- JSON: dataset key → observation rows
    warnings     VARCHAR[] NOT NULL,  -- files passed over, entities excluded, quirks met
    message      VARCHAR NOT NULL     -- one-line summary
);

-- Measures computed in the build (etl/measures; definitions in the README, "Measures").

CREATE TABLE theme (
    theme_id     VARCHAR PRIMARY KEY,     -- WSIS+20 Elements Paper section, e.g. 'digital_divides'
    title        VARCHAR NOT NULL,
    first_paragraph SMALLINT NOT NULL,
    last_paragraph  SMALLINT NOT NULL,
    summary      VARCHAR NOT NULL,        -- one line in our words
    n_indicators INTEGER NOT NULL         -- 0: "no open indicator yet"
);

CREATE TABLE indicator_theme (
    indicator_id VARCHAR NOT NULL REFERENCES indicator (indicator_id),
    theme_id     VARCHAR NOT NULL REFERENCES theme (theme_id),
    PRIMARY KEY (indicator_id, theme_id)
);

CREATE TABLE group_aggregate (
    indicator_id        VARCHAR NOT NULL REFERENCES indicator (indicator_id),
    group_id            VARCHAR NOT NULL REFERENCES country_group (group_id),
    year                SMALLINT NOT NULL,
    sex                 VARCHAR NOT NULL,
    area                VARCHAR NOT NULL,
    age                 VARCHAR NOT NULL,
    value               DOUBLE,             -- NULL where population_coverage is under the threshold (50 %)
    n_countries         INTEGER NOT NULL,   -- members with a value (reported or carried forward)
    n_members           INTEGER NOT NULL,
    n_carried_forward   INTEGER NOT NULL,   -- members whose value is an earlier year's (at most 3 years old)
    population_coverage DOUBLE,             -- share of the group's population with a value
    method              VARCHAR NOT NULL,   -- weighted_mean, mean, median, sum, ratio_of_aggregates, …
    PRIMARY KEY (indicator_id, group_id, year, sex, area, age)
);

CREATE TABLE target (
    target_id      VARCHAR PRIMARY KEY,
    framework      VARCHAR NOT NULL,    -- UMC 2030, Broadband Commission 2025, A4AI
    label          VARCHAR NOT NULL,
    indicator_id   VARCHAR,             -- NULL: no open indicator measures it yet
    scope          VARCHAR NOT NULL,    -- the scope the target names: world, a group_id, or each_country
    comparator     VARCHAR NOT NULL,    -- '>=', '<=' or 'between'
    value          DOUBLE NOT NULL,
    band           DOUBLE,              -- for 'between': value ± band (parity 1 ± 0.02)
    met_threshold  DOUBLE,              -- ITU scores a 100 % goal as met at 95 %
    bound          DOUBLE,              -- 100 for shares: progress is measured on the shortfall
    deadline_year  SMALLINT NOT NULL,
    source_url     VARCHAR NOT NULL,
    note           VARCHAR
);

CREATE TABLE target_progress (
    target_id      VARCHAR NOT NULL REFERENCES target (target_id),
    scope_id       VARCHAR NOT NULL,    -- 'world', a group_id, or an ISO3 code
    scope_type     VARCHAR NOT NULL,    -- world, group, country
    basis          VARCHAR NOT NULL,    -- 'ours' (our aggregates/observations) or 'publisher:<source_id>'
    base_year      SMALLINT,
    base_value     DOUBLE,
    latest_year    SMALLINT,
    latest_value   DOUBLE,
    required_rate  DOUBLE,              -- compound annual rate needed from the base (on the shortfall for shares)
    observed_rate  DOUBLE,
    ratio          DOUBLE,              -- observed ÷ required
    status         VARCHAR NOT NULL,    -- met, on track, acceleration needed, limited progress, deteriorating,
                                        -- deadline passed, insufficient data, no open indicator
    projected_year SMALLINT,            -- when the target is reached at the observed pace (NULL: never)
    distance       DOUBLE,              -- still to go, in the indicator's unit (percentage points for shares)
    PRIMARY KEY (target_id, scope_id)
);

CREATE TABLE affordability (
    indicator_id  VARCHAR NOT NULL REFERENCES indicator (indicator_id),  -- a price basket in % of GNI p.c.
    group_id      VARCHAR NOT NULL REFERENCES country_group (group_id),
    year          SMALLINT NOT NULL,
    n_economies   INTEGER NOT NULL,     -- members with a price that year
    n_meeting     INTEGER NOT NULL,     -- … at or under 2 % of monthly GNI per capita
    share_meeting DOUBLE NOT NULL,
    median_value  DOUBLE NOT NULL,
    PRIMARY KEY (indicator_id, group_id, year)
);

CREATE TABLE inequality (
    indicator_id  VARCHAR NOT NULL REFERENCES indicator (indicator_id),
    year          SMALLINT NOT NULL,
    n_countries   INTEGER NOT NULL,
    gini          DOUBLE,               -- population-weighted Gini across economies
    theil         DOUBLE,               -- Theil T = theil_between + theil_within
    theil_between DOUBLE,               -- part due to differences between World Bank regions
    theil_within  DOUBLE,               -- part due to differences inside regions
    grouping      VARCHAR NOT NULL,     -- the grouping of the decomposition: wb_region
    PRIMARY KEY (indicator_id, year)
);
