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
# Sources: the documents the rules rest on.
source-heading = Sources
source-unlisted = unlisted source file { $file }
