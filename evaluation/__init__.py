"""亩均效益 evaluation (docs/evaluation.md): the yearly figures of each enterprise on each parcel, the
park's scheme, the runs that grade every enterprise A/B/C/D, and the grant commitments of 标准地."""
