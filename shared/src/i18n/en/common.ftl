# Common: the list separator, verdicts, the summary, the engine's own notes.
list-separator = {"; "}
list-separator-inner = {", "}
status-pass = pass
status-fail = fail
status-missing = missing
status-needs-review = needs review
status-not-applicable = not applicable
summary = pass { $pass }, fail { $fail }, missing { $missing }, needs review { $needs_review }, not applicable { $not_applicable }. { $information ->
    [0] {""}
    [one] One of them is for information only (a deadline the regulator keeps, which the company does not control) and does not count against readiness.{" "}
   *[other] { $information } of them are for information only (deadlines the regulator keeps, which the company does not control) and do not count against readiness.{" "}
}{ $ready ->
    [yes] Ready: no rule that counts fails or lacks evidence.
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
# Why a rule profile cannot be used.
profile-unknown = No built-in rule profile is named { $id } (known: { $known })
profile-not-toml = The rule profile is not valid TOML: { $problem }
profile-unknown-rule = Rule profile { $profile }: unknown rule { $rule }
profile-duplicate-rule = Rule profile { $profile }: rule { $rule } appears twice
profile-missing-rules = Rule profile { $profile }: rules missing: { $rules } (list every rule, with `applies = false` where it does not apply)
profile-bad-parameters = Rule profile { $profile }: rule { $rule } has bad parameters: { $problem }
profile-no-citation = Rule profile { $profile }: rule { $rule } cites no source: quote the sentence it rests on (`[[rule.cite]]` with `source`, `quote`, `en`)
profile-seeds-listed = Rule profile { $profile }: rule { $rule } lists seed files (`seeds = [...]`), the layout before citations: quote the sentences instead (`[[rule.cite]]`), each source named once in `[sources]`
profile-unknown-source = Rule profile { $profile }: rule { $rule } cites source { $source }, which `[sources]` does not name
profile-empty-citation = Rule profile { $profile }: rule { $rule } cites source { $source } with an empty quote or English rendering
profile-no-photo-table = Rule profile { $profile }: no `[photo]` table: every profile sets `max_gps_camera_skew_s`, `editing_software` and `backing_photo_outside` there (the phone, the server's intake and the report assess every photo with them)
profile-no-seal-table = Rule profile { $profile }: no `[seal]` table: every profile sets `sign_offs` there (who signs before an official seal, e.g. `["inspector", "company_representative"]`)
profile-photo-keys-in-rule = Rule profile { $profile }: rule `site.real_address` sets { $keys }: photo parameters belong in the profile's `[photo]` table
profile-scope-mismatch = Rule profile { $profile } is written for a { $profile_scope } license; this inspection is { $inspection_scope }: its number prefix, months of insurance, capital and province are another license's and cannot be mixed. Choose a profile for the inspection's scope.
