# Input checks: unknown fields, the format of dates and times (what people write in a rehearsal folder and send to the API).
input-unknown-field-nearest = { $at }: unknown field "{ $field }" — did you mean "{ $nearest }"?
input-unknown-field = { $at }: unknown field "{ $field }"; the fields known here: { $expected }.
input-not-a-date = { $at }: { $value } is not a date — write YYYY-MM-DD, e.g. 2027-08-31.
input-not-a-time = { $at }: { $value } is not a time — write RFC 3339 with an offset, e.g. 2026-11-23T09:30:00+08:00.
