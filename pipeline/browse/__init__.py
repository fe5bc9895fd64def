"""`vnplan browse`: a read-only web explorer of the published file for analysts who do not write SQL (plans,
their outline, objectives, indicators, tasks and duties, agencies across plans, one indicator across plans
on a chart), every list downloadable as CSV or XLSX. See app.py for the routes, queries.py for the SQL.

FastAPI (with Starlette underneath and Jinja2 templates) is installed with Prefect already; FastAPI adds
typed query parameters (a page number that is not a number is refused before any query runs) and
dependency-managed cursors to Starlette at no extra cost.
"""
