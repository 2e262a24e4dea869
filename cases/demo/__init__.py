"""The demo park: its data as named tables (`data`), what each case has behind it (`timeline`),
tiny evidence files (`files`) and the builder that loads it all idempotently (`builder`)."""
