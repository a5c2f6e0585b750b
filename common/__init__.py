"""Project-wide plumbing below every app: no models, no app imports (README, Layout).

What lives here is used by several apps and belongs to none of them: the one CSV writer
(`spreadsheets`), publishing Celery work after a commit without failing the request
(`publishing`), and the checks that refuse text no database or parser can take (`text`).
"""
