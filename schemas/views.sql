-- Views of the published DuckDB file for common questions, and the indicator catalogue they use.
-- Created by pipeline/views.py after the record tables, in this order; parsed by schemas/dictionary.py.
--
-- Each object starts with a header comment: "-- <table|view|macro|table macro> NAME", lines of
-- description, and "-- column NAME TYPE: doc" for every column (the test suite checks them against
-- the published file). Its SQL follows.

-- table indicator_catalogue
-- The comparable indicators that indicators.indicator_code refers to: extractors/data/indicator_catalogue.csv
-- as it was when the file was published (codes are assigned when a document is extracted).
-- column catalogue_version VARCHAR: Version of the catalogue
-- column code VARCHAR: Indicator code (HEALTH_INSURANCE_COVERAGE, DOCTORS_PER_10K, ...)
-- column name_vi VARCHAR: Usual Vietnamese name of the indicator
-- column name_en VARCHAR: English name of the indicator
-- column unit VARCHAR: Unit of its values (%, ‰, bác sĩ/10.000 dân)
-- column unit_kind VARCHAR: percent, permille or per_10000: a row of another kind never gets the code
-- column require VARCHAR: Regexes (separated by ;) that must all match the folded indicator name
-- column prefer VARCHAR: Regexes of the usual wording; each one missing lowers the match score by 0.2
-- column exclude VARCHAR: Regex that rules the code out (a sub-population, a neighbouring indicator)
CREATE TABLE indicator_catalogue AS
    SELECT catalogue_version, code, name_vi, name_en, unit, unit_kind, require, prefer, exclude
    FROM _indicator_catalogue_csv;

-- table publication
-- One row about this file: when it was published, by which vnplan, and a fingerprint of its record
-- tables. A run that changed no record (every file unchanged) republishes a copy of the previous file
-- with the new ingest_log rows: then published_at moves and records_published_at stays.
-- column published_at TIMESTAMP WITH TIME ZONE: When this file was published
-- column records_published_at TIMESTAMP WITH TIME ZONE: When its record tables were last rebuilt from the lake
-- column vnplan_version VARCHAR: vnplan version and code digest that built the record tables (documents.extractor_version of newly extracted files)
-- column records_fingerprint VARCHAR: Digest of the current documents, the lake runs holding their rows and the publishing code: equal fingerprints, equal record tables
CREATE TABLE publication AS
    SELECT now() AS published_at, now() AS records_published_at,
           getvariable('vnplan_version')::VARCHAR AS vnplan_version,
           getvariable('vnplan_records_fingerprint')::VARCHAR AS records_fingerprint;

-- view indicator_targets
-- Comparable indicator values lined up: one row per indicator code × document × year × baseline ×
-- comparator × value (a value stated both in a table and in a sentence counts once, the table's).
-- column indicator_code VARCHAR: Indicator code (indicator_catalogue.code)
-- column indicator_name VARCHAR: Catalogue name of the indicator
-- column doc_id VARCHAR: Document id
-- column doc_number VARCHAR: Document number as printed
-- column issuer VARCHAR: Issuing body
-- column issuer_level VARCHAR: central, province, district, commune or party
-- column province VARCHAR: Province of the issuer
-- column district VARCHAR: District of the issuer, for district-level issuers
-- column issue_date DATE: Date of issue of the document
-- column year BIGINT: Year the value applies to; NULL when not stated
-- column is_baseline BOOLEAN: True for the baseline (current-state) value, false for a target
-- column role VARCHAR: target, baseline or achieved (a value a report says was reached)
-- column comparator VARCHAR: >, >=, <, <= or =
-- column value DOUBLE: Numeric value
-- column unit VARCHAR: Unit as extracted
-- column name VARCHAR: Indicator name as printed in the document
-- column indicator_match_score DOUBLE: How surely the code fits (0.6 to 1.0)
-- column source VARCHAR: table or text
-- column indicator_id VARCHAR: Indicator row (indicators.indicator_id)
CREATE VIEW indicator_targets AS
    SELECT i.indicator_code, c.name_vi AS indicator_name, i.doc_id, d.doc_number, d.issuer, d.issuer_level,
           d.province, d.district, d.issue_date, i.year, i.is_baseline, i.role, i.comparator,
           i.value, i.unit, i.name, i.indicator_match_score, i.source, i.indicator_id
    FROM indicators i
    JOIN documents d USING (doc_id)
    LEFT JOIN indicator_catalogue c ON c.code = i.indicator_code
    WHERE i.indicator_code IS NOT NULL
    QUALIFY row_number() OVER (
        PARTITION BY i.doc_id, i.indicator_code, i.year, i.role, i.comparator, i.value
        ORDER BY i.source = 'table' DESC, i.indicator_match_score DESC, i.indicator_id) = 1;

-- view agency_workload
-- Tasks and duties per canonical agency across all documents: as lead (chủ trì), partner (phối hợp) or
-- monitor of a task-table row, and as the agency of a duty in the Tổ chức thực hiện part.
-- column agency VARCHAR: Canonical agency name
-- column tasks_lead BIGINT: Task rows the agency leads
-- column tasks_partner BIGINT: Task rows the agency takes part in
-- column tasks_monitor BIGINT: Task rows the agency monitors
-- column assignments BIGINT: Duties given to the agency (assignments rows)
-- column total BIGINT: tasks_lead + tasks_partner + tasks_monitor + assignments
-- column documents BIGINT: Documents that name the agency in any of these roles
CREATE VIEW agency_workload AS
    WITH roles AS (
        SELECT DISTINCT agency, doc_id, role, item_id FROM (
            SELECT unnest(lead_agencies) AS agency, doc_id, 'lead' AS role, task_id AS item_id FROM tasks
            UNION ALL SELECT unnest(partner_agencies), doc_id, 'partner', task_id FROM tasks
            UNION ALL SELECT unnest(monitor_agencies), doc_id, 'monitor', task_id FROM tasks
            UNION ALL SELECT agency, doc_id, 'assignment', assignment_id FROM assignments)
        WHERE coalesce(agency, '') <> '')
    SELECT agency,
           count(*) FILTER (WHERE role = 'lead') AS tasks_lead,
           count(*) FILTER (WHERE role = 'partner') AS tasks_partner,
           count(*) FILTER (WHERE role = 'monitor') AS tasks_monitor,
           count(*) FILTER (WHERE role = 'assignment') AS assignments,
           count(*) AS total,
           count(DISTINCT doc_id) AS documents
    FROM roles
    GROUP BY agency;

-- view due_tasks
-- Task-table rows with a due date, with the quarter they fall due in (recurring tasks have none).
-- column doc_id VARCHAR: Document id
-- column doc_number VARCHAR: Document number as printed
-- column issuer VARCHAR: Issuing body
-- column task_id VARCHAR: Task id
-- column seq BIGINT: Number printed in the TT/STT column
-- column group_name VARCHAR: Group row above the task
-- column content VARCHAR: The task
-- column lead_agencies VARCHAR[]: Lead agencies, canonical names
-- column partner_agencies VARCHAR[]: Partner agencies, canonical names
-- column deadline_text VARCHAR: Deadline as printed
-- column due_date DATE: Last day of the stated period
-- column due_year BIGINT: Year of due_date
-- column due_quarter BIGINT: Quarter of due_date, 1 to 4
-- column due_period VARCHAR: Year and quarter as text (2024-Q3), for grouping and charts
-- column quarter_start DATE: First day of the quarter of due_date
CREATE VIEW due_tasks AS
    SELECT t.doc_id, d.doc_number, d.issuer, t.task_id, t.seq, t.group_name, t.content, t.lead_agencies,
           t.partner_agencies, t.deadline_text, t.due_date, year(t.due_date) AS due_year,
           quarter(t.due_date) AS due_quarter,
           CAST(year(t.due_date) AS VARCHAR) || '-Q' || CAST(quarter(t.due_date) AS VARCHAR) AS due_period,
           CAST(date_trunc('quarter', t.due_date) AS DATE) AS quarter_start
    FROM tasks t
    JOIN documents d USING (doc_id)
    WHERE t.due_date IS NOT NULL;

-- view plan_overview
-- One row per document: what it is, and how many rows it has in each record table.
-- column doc_id VARCHAR: Document id
-- column doc_number VARCHAR: Document number as printed
-- column doc_type VARCHAR: Kế hoạch, Quyết định, Nghị quyết, ...
-- column issuer VARCHAR: Issuing body
-- column issuer_level VARCHAR: central, province, district, commune or party
-- column province VARCHAR: Province of the issuer
-- column issue_date DATE: Date of issue
-- column title VARCHAR: Title of the document
-- column source_format VARCHAR: html, pdf, pdf_scanned, docx, doc, txt, md or image
-- column source_path VARCHAR: Path of the source file
-- column sections BIGINT: Outline sections
-- column objectives BIGINT: Objectives
-- column indicators BIGINT: Indicator values
-- column coded_indicators BIGINT: Indicator values with an indicator_code
-- column tasks BIGINT: Task-table rows
-- column assignments BIGINT: Agency duties
-- column citations BIGINT: Cited documents
-- column first_due DATE: Earliest task due date
-- column last_due DATE: Latest task due date
CREATE VIEW plan_overview AS
    WITH s AS (SELECT doc_id, count(*) AS n FROM sections GROUP BY doc_id),
         o AS (SELECT doc_id, count(*) AS n FROM objectives GROUP BY doc_id),
         i AS (SELECT doc_id, count(*) AS n, count(indicator_code) AS coded FROM indicators GROUP BY doc_id),
         t AS (SELECT doc_id, count(*) AS n, min(due_date) AS first_due, max(due_date) AS last_due
               FROM tasks GROUP BY doc_id),
         a AS (SELECT doc_id, count(*) AS n FROM assignments GROUP BY doc_id),
         c AS (SELECT doc_id, count(*) AS n FROM citations GROUP BY doc_id)
    SELECT d.doc_id, d.doc_number, d.doc_type, d.issuer, d.issuer_level, d.province, d.issue_date, d.title,
           d.source_format, d.source_path,
           coalesce(s.n, 0) AS sections, coalesce(o.n, 0) AS objectives, coalesce(i.n, 0) AS indicators,
           coalesce(i.coded, 0) AS coded_indicators, coalesce(t.n, 0) AS tasks, coalesce(a.n, 0) AS assignments,
           coalesce(c.n, 0) AS citations, t.first_due, t.last_due
    FROM documents d
    LEFT JOIN s USING (doc_id) LEFT JOIN o USING (doc_id) LEFT JOIN i USING (doc_id)
    LEFT JOIN t USING (doc_id) LEFT JOIN a USING (doc_id) LEFT JOIN c USING (doc_id);
