"""The REST API at /api/v1/ (docs/api.md): the same records, rules and scoping as the staff pages.

By topic: `authentication` (tokens and sessions), `throttling`, `base` (the caller's language),
`errors` (RFC 9457 problem details), `parsers`, `filters` (the pages' FilterSets, pagination),
`serializers` (what is read) and `writes` (what is written, through the pages' own forms and the
models' methods), `views` (the records, and an evidence document's download and withdrawal),
`case_views` (a case's writes: edits, steps, events, measures, evidence), `record_views` (parcels,
enterprises, partners and leads written), `reports`, `schema` and `docs` (the contract and its
readers) and `urls`.
"""
