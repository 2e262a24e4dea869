"""The REST API at /api/v1/ (docs/api.md): the same records, rules and scoping as the staff pages.

By topic: `authentication` (tokens and sessions), `throttling`, `permissions`, `errors` (RFC 9457
problem details), `parsers`, `filters` and `pagination`, `serializers` (what is read) and `writes`
(what is written, through the pages' own forms and the models' methods), `views` (the records),
`case_views` (a case's writes: edits, steps, events, evidence), `reports`, `docs` (the schema pages)
and `urls`.
"""
