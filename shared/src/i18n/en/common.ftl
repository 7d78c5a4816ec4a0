# Common: the list separator, verdicts, the summary, the engine's own notes.
list-separator = {"; "}
list-separator-inner = {", "}
status-pass = pass
status-fail = fail
status-missing = missing
status-needs-review = needs review
status-not-applicable = not applicable
summary = pass { $pass }, fail { $fail }, missing { $missing }, needs review { $needs_review }, not applicable { $not_applicable }. { $ready ->
    [yes] Ready: nothing fails, nothing is missing.
   *[no] Not ready: some findings fail or lack evidence.
}
rule-not-applied = This profile does not apply the rule.
rule-bad-parameters = Bad rule parameters: { $reason }
rule-unknown = Unknown rule.
evidence-file-missing = Evidence { $item }: the file { $file } was not found.
evidence-do-add-file = Put the file into the folder, or correct the path written in inspection.toml.
# Rehearsal: the rules the official visit checks again on its day.
recheck-heading = This is a rehearsal. The official visit checks these rules again on its own day; a pass here does not mean a pass then:
recheck-on-site = Gathered again on site during the visit's window (photos, certificate scans, dial tests, demonstrations): { $rules }.
recheck-as-of-the-day = Counted again as of the visit's day: { $rules }.
# Sources: the documents the rules rest on.
source-heading = Sources
source-unlisted = unlisted source file { $file }
