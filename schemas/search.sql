-- The search index of the published DuckDB file: a BM25 inverted index over folded terms, built
-- at publish time from the record tables, and the macros that query it (DuckDB's full-text
-- extension is not needed). Run in this order by pipeline/views.py; parsed by schemas/dictionary.py.
--
-- Each object starts with a header comment: "-- <table|view|macro|table macro> NAME", lines of
-- description, "-- param NAME: doc" for a macro's parameters and "-- column NAME TYPE: doc" for
-- every column (the test suite checks them against the published file). Its SQL follows.

-- macro search_fold
-- The folded form of a text, as search sees it: NFC, đ → d, every tone and vowel mark dropped, lower case
-- ("Bảo hiểm Y tế" → "bao hiem y te"); the SQL twin of extractors.normalize.fold.
-- param s: Text to fold (NULL folds to '')
CREATE MACRO search_fold(s) AS
    lower(strip_accents(nfc_normalize(replace(replace(coalesce(s, ''), 'đ', 'd'), 'Đ', 'D'))));

-- macro search_tokens
-- The search terms of a text: its folded form split at every character that is not a letter or a digit.
-- param s: Text to split
CREATE MACRO search_tokens(s) AS
    list_filter(regexp_split_to_array(search_fold(s), '[^\pL\pN]+'), lambda t: t <> '');

-- macro search_index_terms
-- What a text is indexed and queried by: its search_tokens, then each pair of adjacent tokens as one term
-- ("bao hiem", "hiem y", "y te"), so that rows holding the query's words side by side rank first.
-- param s: Text to index
CREATE MACRO search_index_terms(s) AS
    list_concat(search_tokens(s),
                list_transform(range(1, len(search_tokens(s))),
                               lambda i: search_tokens(s)[i] || ' ' || search_tokens(s)[i + 1]));

-- table search_docs
-- One searchable row: a document's title, a section's heading and text, an objective, an indicator's name
-- or a task's content, with its length in terms.
-- column doc_key INTEGER: Key of the row in the search index
-- column table_name VARCHAR: Table the row is from: documents, sections, objectives, indicators or tasks
-- column row_id VARCHAR: Id of the row in its table (doc_id, section_id, objective_id, indicator_id or task_id)
-- column doc_id VARCHAR: Document the row belongs to
-- column text VARCHAR: The text searched (for sections: heading — text)
-- column doc_len INTEGER: Words (search_tokens) in the text
CREATE TEMP TABLE _search_src AS
    SELECT 'documents' AS table_name, doc_id AS row_id, doc_id, title AS text FROM documents
    UNION ALL SELECT 'sections', section_id, doc_id, concat_ws(' — ', nullif(heading, ''), nullif(text, '')) FROM sections
    UNION ALL SELECT 'objectives', objective_id, doc_id, text FROM objectives
    UNION ALL SELECT 'indicators', indicator_id, doc_id, name FROM indicators
    UNION ALL SELECT 'tasks', task_id, doc_id, content FROM tasks;
CREATE TEMP TABLE _search_tokens AS
    SELECT CAST(row_number() OVER (ORDER BY table_name, row_id) AS INTEGER) AS doc_key, table_name, row_id, doc_id,
           text, search_tokens(text) AS tokens
    FROM _search_src
    WHERE coalesce(text, '') <> '';
CREATE TABLE search_docs AS
    SELECT doc_key, table_name, row_id, doc_id, text, CAST(len(tokens) AS INTEGER) AS doc_len
    FROM _search_tokens
    ORDER BY doc_key;

-- table search_stats
-- Rows, mean length in terms and doc_key range of each searched table: BM25 measures a row's length against
-- its own table's mean.
-- column table_name VARCHAR: documents, sections, objectives, indicators or tasks
-- column n_rows BIGINT: Searchable rows of the table
-- column avg_len DOUBLE: Mean terms per row
-- column first_key INTEGER: Smallest doc_key of the table's rows
-- column last_key INTEGER: Largest doc_key of the table's rows
CREATE TABLE search_stats AS
    SELECT table_name, count(*) AS n_rows, greatest(avg(doc_len), 1) AS avg_len,
           min(doc_key) AS first_key, max(doc_key) AS last_key
    FROM search_docs
    GROUP BY table_name
    ORDER BY table_name;

-- table search_terms
-- Every distinct term of the index with its document frequency and BM25 idf (over all searched rows).
-- column term VARCHAR: The folded term: a word (bao, hiem, 2030) or two adjacent words (bao hiem)
-- column term_id INTEGER: Key of the term in search_postings
-- column df BIGINT: Rows containing the term
-- column idf DOUBLE: ln(1 + (N - df + 0.5) / (df + 0.5)), N being all searchable rows
CREATE TEMP TABLE _search_tf AS
    SELECT doc_key, term, CAST(count(*) AS INTEGER) AS tf
    FROM (SELECT doc_key, unnest(list_concat(tokens, list_transform(range(1, len(tokens)),
                                                                   lambda i: tokens[i] || ' ' || tokens[i + 1]))) AS term
          FROM _search_tokens)
    GROUP BY doc_key, term;
CREATE TABLE search_terms AS
    WITH df AS (SELECT term, count(*) AS df FROM _search_tf GROUP BY term),
         n AS (SELECT count(*) AS n FROM search_docs)
    SELECT term, CAST(row_number() OVER (ORDER BY term) AS INTEGER) AS term_id, df,
           ln(1 + (n.n - df + 0.5) / (df + 0.5)) AS idf
    FROM df, n
    ORDER BY term;

-- table search_postings
-- One row per term per searchable row, sorted by term_id, with the term's BM25 weight in the row
-- (k1 = 1.2, b = 0.75): the score of a row for a query is the sum of the weights of the query's terms.
-- column term_id INTEGER: Term (search_terms.term_id)
-- column doc_key INTEGER: Searchable row (search_docs.doc_key)
-- column tf INTEGER: Times the term occurs in the row
-- column weight DOUBLE: idf · tf · (k1 + 1) / (tf + k1 · (1 - b + b · doc_len / avg_len))
CREATE TABLE search_postings AS
    SELECT t.term_id, f.doc_key, f.tf,
           t.idf * f.tf * (1.2 + 1) / (f.tf + 1.2 * (1 - 0.75 + 0.75 * d.doc_len / s.avg_len)) AS weight
    FROM _search_tf f
    JOIN search_terms t USING (term)
    JOIN search_docs d USING (doc_key)
    JOIN search_stats s USING (table_name)
    ORDER BY t.term_id, f.doc_key;
DROP TABLE _search_tf;
DROP TABLE _search_tokens;
DROP TABLE _search_src;

-- table macro search
-- Rows of documents, sections, objectives, indicators and tasks ranked by BM25 relevance to a query,
-- best first; accents, đ/d, tone-mark style and case do not matter
-- (SELECT * FROM search('bao hiem y te') LIMIT 10; search('dao tao', in_table := 'tasks')).
-- param q: The query: words with or without diacritics
-- param top: At most this many rows, the best ones (default 1000; NULL for every matching row)
-- param in_table: Search this table only: documents, sections, objectives, indicators or tasks (default all)
-- column table_name VARCHAR: Table of the row: documents, sections, objectives, indicators or tasks
-- column row_id VARCHAR: Id of the row in its table (doc_id, section_id, objective_id, indicator_id or task_id)
-- column doc_id VARCHAR: Document the row belongs to
-- column score DOUBLE: BM25 score, summed over the query's distinct terms (words and adjacent pairs), to 9 decimals
-- column matched_terms BIGINT: How many of the query's distinct words the row contains
-- column text VARCHAR: The text that was searched
CREATE MACRO search(q, top := 1000, in_table := NULL) AS TABLE
    WITH hits AS (
        -- Rounded: the last bits of a sum depend on the order threads add in, and rows with the same
        -- terms must tie (and then come out by doc_key) whatever that order.
        SELECT p.doc_key, round(sum(p.weight), 9) AS score, count(*) FILTER (WHERE NOT t.pair) AS matched_terms
        FROM search_postings p
        JOIN (SELECT term_id, contains(term, ' ') AS pair FROM search_terms
              WHERE term IN (SELECT unnest(search_index_terms(q)))) t USING (term_id)
        WHERE in_table IS NULL
           OR p.doc_key BETWEEN (SELECT first_key FROM search_stats WHERE table_name = in_table)
                            AND (SELECT last_key FROM search_stats WHERE table_name = in_table)
        GROUP BY p.doc_key),
    best AS (
        -- doc_key follows (table_name, row_id): ties come out in that order. Ranking before fetching
        -- the texts keeps the sort narrow.
        SELECT * FROM hits ORDER BY score DESC, doc_key LIMIT top)
    SELECT d.table_name, d.row_id, d.doc_id, b.score, b.matched_terms, d.text
    FROM best b
    JOIN search_docs d USING (doc_key)
    ORDER BY b.score DESC, b.doc_key;
