-- Views of the published DuckDB file for common questions, and the indicator catalogue they use.
-- Created by pipeline/views.py after the record tables, in this order; parsed by schemas/dictionary.py.
--
-- Each object starts with a header comment: "-- <table|view|macro|table macro> NAME", lines of
-- description, and "-- column NAME TYPE: doc" for every column (the test suite checks them against
-- the published file). Its SQL follows.

-- macro agency_key
-- An agency name as a key: lower case, each run of punctuation and spaces one space
-- ("Các Sở, ban, ngành liên quan" = "các sở ban ngành liên quan").
-- param name: The agency name
CREATE MACRO agency_key(name) AS trim(regexp_replace(lower(name), '[[:punct:][:space:]]+', ' ', 'g'));

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

-- table placeholder_agencies
-- Phrases a task table or a Tổ chức thực hiện part puts where an agency goes but that name no agency
-- ("Các cơ quan, đơn vị liên quan", "Các sở, ngành"): extractors/data/placeholder_agencies.csv. The
-- workload views flag them (placeholder), so counts and charts can leave them out.
-- column phrase VARCHAR: The phrase, as usually written
-- column agency_key VARCHAR: agency_key(phrase): lower case, punctuation and spaces as one space
CREATE TABLE placeholder_agencies AS
    SELECT phrase, agency_key(phrase) AS agency_key FROM _placeholder_agencies_csv;

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

-- view plan_indicator_targets
-- indicator_targets counting each plan once: the values of each plan's preferred copy only, with its plan_id.
-- column plan_id VARCHAR: Plan (documents.plan_id; see the plans view)
-- column indicator_code VARCHAR: Indicator code (indicator_catalogue.code)
-- column indicator_name VARCHAR: Catalogue name of the indicator
-- column doc_id VARCHAR: The plan's preferred copy
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
CREATE VIEW plan_indicator_targets AS
    SELECT d.plan_id, t.*
    FROM indicator_targets t JOIN documents d USING (doc_id)
    WHERE d.preferred_copy;

-- view agency_roles
-- One row per agency × document × role × item: the agencies a task-table row names as lead (chủ trì),
-- partner (phối hợp) or monitor, and the agency of each duty (assignments row). agency_workload and
-- plan_agency_workload count these rows.
-- column agency VARCHAR: Canonical agency name
-- column doc_id VARCHAR: Document id
-- column plan_id VARCHAR: Plan of the document (documents.plan_id)
-- column preferred_copy BOOLEAN: True when the document is its plan's preferred copy
-- column role VARCHAR: lead, partner, monitor or assignment
-- column item_id VARCHAR: The task (task_id) or the duty (assignment_id)
-- column placeholder BOOLEAN: True when the "agency" is a placeholder naming none (placeholder_agencies)
CREATE VIEW agency_roles AS
    SELECT r.agency, r.doc_id, d.plan_id, d.preferred_copy, r.role, r.item_id,
           agency_key(r.agency) IN (SELECT agency_key FROM placeholder_agencies) AS placeholder
    FROM (SELECT DISTINCT agency, doc_id, role, item_id FROM (
            SELECT unnest(lead_agencies) AS agency, doc_id, 'lead' AS role, task_id AS item_id FROM tasks
            UNION ALL SELECT unnest(partner_agencies), doc_id, 'partner', task_id FROM tasks
            UNION ALL SELECT unnest(monitor_agencies), doc_id, 'monitor', task_id FROM tasks
            UNION ALL SELECT agency, doc_id, 'assignment', assignment_id FROM assignments)
          WHERE coalesce(agency, '') <> '') r
    JOIN documents d USING (doc_id);

-- table macro agency_counts
-- Tasks and duties per canonical agency, counted from every document (scope 'documents') or from each
-- plan's preferred copy only (scope 'plans'): agency_workload and plan_agency_workload are its two scopes.
-- param scope: documents (every copy counts) or plans (each plan once)
-- column agency VARCHAR: Canonical agency name
-- column tasks_lead BIGINT: Task rows the agency leads
-- column tasks_partner BIGINT: Task rows the agency takes part in
-- column tasks_monitor BIGINT: Task rows the agency monitors
-- column assignments BIGINT: Duties given to the agency (assignments rows)
-- column total BIGINT: tasks_lead + tasks_partner + tasks_monitor + assignments
-- column documents BIGINT: Documents that name the agency in any of these roles
-- column plans BIGINT: Plans that name the agency in any of these roles
-- column placeholder BOOLEAN: True for a placeholder that names no agency ("Các cơ quan, đơn vị liên quan")
CREATE MACRO agency_counts(scope) AS TABLE
    SELECT agency,
           count(*) FILTER (WHERE role = 'lead') AS tasks_lead,
           count(*) FILTER (WHERE role = 'partner') AS tasks_partner,
           count(*) FILTER (WHERE role = 'monitor') AS tasks_monitor,
           count(*) FILTER (WHERE role = 'assignment') AS assignments,
           count(*) AS total,
           count(DISTINCT doc_id) AS documents,
           count(DISTINCT plan_id) AS plans,
           placeholder
    FROM agency_roles
    WHERE scope <> 'plans' OR preferred_copy
    GROUP BY agency, placeholder;

-- view agency_workload
-- Tasks and duties per canonical agency across all documents (every copy of a plan counts; see
-- plan_agency_workload): as lead (chủ trì), partner (phối hợp) or monitor of a task-table row, and as
-- the agency of a duty in the Tổ chức thực hiện part.
-- column agency VARCHAR: Canonical agency name
-- column tasks_lead BIGINT: Task rows the agency leads
-- column tasks_partner BIGINT: Task rows the agency takes part in
-- column tasks_monitor BIGINT: Task rows the agency monitors
-- column assignments BIGINT: Duties given to the agency (assignments rows)
-- column total BIGINT: tasks_lead + tasks_partner + tasks_monitor + assignments
-- column documents BIGINT: Documents that name the agency in any of these roles
-- column placeholder BOOLEAN: True for a placeholder that names no agency ("Các cơ quan, đơn vị liên quan")
CREATE VIEW agency_workload AS
    SELECT * EXCLUDE (plans) FROM agency_counts('documents');

-- view plan_agency_workload
-- agency_workload counting each plan once: the tasks and duties of each plan's preferred copy only.
-- column agency VARCHAR: Canonical agency name
-- column tasks_lead BIGINT: Task rows the agency leads
-- column tasks_partner BIGINT: Task rows the agency takes part in
-- column tasks_monitor BIGINT: Task rows the agency monitors
-- column assignments BIGINT: Duties given to the agency (assignments rows)
-- column total BIGINT: tasks_lead + tasks_partner + tasks_monitor + assignments
-- column plans BIGINT: Plans that name the agency in any of these roles
-- column placeholder BOOLEAN: True for a placeholder that names no agency ("Các cơ quan, đơn vị liên quan")
CREATE VIEW plan_agency_workload AS
    SELECT * EXCLUDE (documents) FROM agency_counts('plans');

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

-- view plan_due_tasks
-- due_tasks counting each plan once: the tasks of each plan's preferred copy only, with its plan_id.
-- column plan_id VARCHAR: Plan (documents.plan_id; see the plans view)
-- column doc_id VARCHAR: The plan's preferred copy
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
CREATE VIEW plan_due_tasks AS
    SELECT d.plan_id, t.*
    FROM due_tasks t JOIN documents d USING (doc_id)
    WHERE d.preferred_copy;

-- view plan_overview
-- One row per document (every copy of a plan; the plans view has one row per plan): what it is, and how
-- many rows it has in each record table.
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

-- view plans
-- One row per plan, whatever number of copies of it were ingested (portal HTML, signed PDF, scan, text,
-- draft): the metadata and record counts of its preferred copy (a final over a draft, born-digital over
-- OCR, then the newest), and its copies. This is plan_overview counting each plan once.
-- column plan_id VARCHAR: Plan id (documents.plan_id), stable across runs and re-ingests
-- column label VARCHAR: Number (or type and year, unnumbered) and issuer, for charts and lists (542/KH-UBND · UBND tỉnh Nghệ An)
-- column doc_id VARCHAR: The preferred copy
-- column doc_number VARCHAR: Document number as printed (the final's, when a final was ingested)
-- column doc_type VARCHAR: Kế hoạch, Quyết định, Nghị quyết, ...
-- column issuer VARCHAR: Issuing body
-- column issuer_level VARCHAR: central, province, district, commune or party
-- column province VARCHAR: Province of the issuer
-- column district VARCHAR: District of the issuer, for district-level issuers
-- column issue_date DATE: Date of issue
-- column title VARCHAR: Title
-- column is_draft BOOLEAN: True when only drafts of the plan were ingested
-- column source_format VARCHAR: Format of the preferred copy
-- column source_path VARCHAR: Path of the preferred copy
-- column n_copies BIGINT: Documents (files of distinct content) that are copies of the plan
-- column n_drafts BIGINT: How many of them are drafts
-- column formats VARCHAR[]: Formats of the copies (html, pdf, pdf_scanned, docx, txt, ...), each once
-- column copies VARCHAR[]: doc_ids of the copies, the preferred one first
-- column sections BIGINT: Outline sections of the preferred copy
-- column objectives BIGINT: Objectives of the preferred copy
-- column indicators BIGINT: Indicator values of the preferred copy
-- column coded_indicators BIGINT: Indicator values with an indicator_code
-- column tasks BIGINT: Task-table rows of the preferred copy
-- column assignments BIGINT: Agency duties of the preferred copy
-- column citations BIGINT: Documents the preferred copy cites
-- column first_due DATE: Earliest task due date
-- column last_due DATE: Latest task due date
CREATE VIEW plans AS
    WITH copies AS (
        SELECT plan_id, count(*) AS n_copies, count(*) FILTER (WHERE is_draft) AS n_drafts,
               list(DISTINCT source_format ORDER BY source_format) AS formats,
               list(doc_id ORDER BY preferred_copy DESC, doc_id) AS copies
        FROM documents GROUP BY plan_id)
    SELECT d.plan_id,
           coalesce(d.doc_number, coalesce(d.doc_type, 'Document') || ' (unnumbered'
                                  || coalesce(', ' || year(d.issue_date), '') || ')')
               || ' · ' || coalesce(replace(d.issuer, 'Ủy ban nhân dân', 'UBND'), '?') AS label,
           d.doc_id, d.doc_number, d.doc_type, d.issuer, d.issuer_level, d.province, d.district, d.issue_date,
           d.title, d.is_draft, d.source_format, d.source_path, c.n_copies, c.n_drafts, c.formats, c.copies,
           o.sections, o.objectives, o.indicators, o.coded_indicators, o.tasks, o.assignments, o.citations,
           o.first_due, o.last_due
    FROM documents d
    JOIN copies c USING (plan_id)
    JOIN plan_overview o USING (doc_id)
    WHERE d.preferred_copy;

-- view citation_graph
-- Which plan cites what: one row per citing plan × cited document, to a plan of the database where the
-- citation names one (citations.cited_doc_id), so a researcher goes from a district plan to the
-- provincial plan it implements, and from a national decision to the plans that implement it; a cited
-- document that is not in the database is a row too, its cited_plan_id NULL.
-- column citing_plan_id VARCHAR: Plan that cites
-- column citing_doc_id VARCHAR: Its copy the citation was read from (the preferred one when it cites too)
-- column citing_number VARCHAR: Number of the citing document
-- column citing_issuer VARCHAR: Issuer of the citing document
-- column cited_plan_id VARCHAR: Plan that is cited, when it is in the database; else NULL
-- column cited_doc_id VARCHAR: Preferred copy of the cited plan, when it is in the database; else NULL
-- column cited_number VARCHAR: Cited number as written in the citing document
-- column cited_type VARCHAR: Type of the cited document
-- column cited_issuer VARCHAR: Issuer of the cited document (the database's, when it is in it)
-- column cited_title VARCHAR: Title of the cited document, when it is in the database
-- column context VARCHAR: The sentence the citation stands in
CREATE VIEW citation_graph AS
    SELECT a.plan_id AS citing_plan_id, c.doc_id AS citing_doc_id, a.doc_number AS citing_number,
           a.issuer AS citing_issuer, b.plan_id AS cited_plan_id, c.cited_doc_id, c.cited_number,
           coalesce(b.doc_type, c.cited_type) AS cited_type, coalesce(b.issuer, c.cited_issuer) AS cited_issuer,
           b.title AS cited_title, c.context
    FROM citations c
    JOIN documents a ON a.doc_id = c.doc_id
    LEFT JOIN documents b ON b.doc_id = c.cited_doc_id
    QUALIFY row_number() OVER (PARTITION BY a.plan_id, coalesce(b.plan_id, upper(c.cited_number))
                               ORDER BY a.preferred_copy DESC, c.doc_id) = 1;

-- table plan_changes
-- What changed from a plan's draft to its final (`vnplan diff PLAN`): for each plan with a draft and a
-- final copy, its best draft against its best final (pipeline/plan_diff.py): the document's number, date,
-- title and signer, and each task, indicator and duty added, removed or changed. Items are matched by
-- their text's words, not by their position; spacing, punctuation and tone-mark style are no change.
-- column plan_id VARCHAR: Plan (documents.plan_id)
-- column draft_doc_id VARCHAR: The draft copy compared
-- column final_doc_id VARCHAR: The final copy compared
-- column item VARCHAR: document, task, indicator or duty
-- column change VARCHAR: added (only in the final), removed (only in the draft) or changed
-- column field VARCHAR: What changed, for a changed item: content, lead_agencies, partner_agencies, monitor_agencies, deadline, value, agency; or the document's doc_number, issue_date, is_draft, title, signer, signer_title
-- column draft_text VARCHAR: The item as the draft states it (task, indicator name and year, duty)
-- column final_text VARCHAR: The item as the final states it
-- column old_value VARCHAR: The field's value in the draft (lists joined by '; ')
-- column new_value VARCHAR: The field's value in the final
CREATE TABLE plan_changes AS
    SELECT plan_id, draft_doc_id, final_doc_id, item, change, field, draft_text, final_text, old_value, new_value
    FROM _plan_change_rows;
