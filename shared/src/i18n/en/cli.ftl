# The `hecha` command's own lines (tables, what a command did).
cli-col-status = status
cli-col-rule = rule
cli-col-title = title
cli-col-why = why
cli-sealed = sealed { $inspection } ({ $mode }) into { $file }
cli-label-manifest-sha256 = manifest sha256
cli-label-merkle-root = merkle root
cli-label-signer-kid = signer kid
cli-findings-equal = equal to the sealed findings
cli-findings-different = DIFFERENT from the sealed findings
cli-labels-written = { $n ->
    [one] { $n } seat label
   *[other] { $n } seat labels
} → { $file }
cli-prove-check-with = check it with: hecha verify-proof PROOF.json --statement { $file } --trust HISTORY
cli-proof-valid = valid: item { $item } (digest { $leaf }) is leaf { $index } of { $size } of inspection { $inspection } ({ $mode }), manifest { $manifest }, signed by { $kid } ({ $pin })
cli-proof-trusted = trusted
cli-proof-unpinned = not pinned: pass --trust HISTORY
cli-proof-invalid = INVALID: item { $item }: { $reason }
cli-tree-head-invalid = INVALID: the { $name } tree head: { $reason }
cli-tree-head-invalid-from = INVALID tree head from { $url }: { $reason }
cli-progress-sealing = sealing
cli-progress-verifying = verifying
# `hecha log`: a seal log's tree heads, their consistency, an audit.
cli-log-head = size { $size } root { $root } at { $time } (log { $log }), signed by { $kid } ({ $pin })
cli-log-pin-history = pinned by the --trust key history
cli-log-pin-key = pinned by a --trust key; retirement not checked
cli-log-pin-none = NOT pinned: the server's own history; pass --trust HISTORY
cli-log-tree-head = tree head { $head }
cli-log-head-line = { $name } { $head }
cli-log-two-logs = INCONSISTENT: the heads are of two logs ({ $first } and { $second })
cli-log-truncated = INCONSISTENT: the newer head has { $newer } entries, the older { $older }: the log was truncated (or pass OLD first)
cli-log-proof-sizes = INVALID: the proof is not between sizes { $first } and { $second }
cli-log-consistent = CONSISTENT: the log of { $newer ->
    [one] { $newer } entry
   *[other] { $newer } entries
} extends the log of { $older }, nothing rewritten
cli-log-consistent-unpinned = CONSISTENT: the log of { $newer ->
    [one] { $newer } entry
   *[other] { $newer } entries
} extends the log of { $older }, nothing rewritten (heads judged by the server's own key history, not pinned)
cli-log-inconsistent = INCONSISTENT: { $reason }
cli-log-short = INVALID: the server gives { $given } entries, its head signs { $signed }
cli-log-root = INVALID: the { $count } entries give the root { $root }, the signed head says { $signed }: the entries served are not the log signed
cli-log-bad-time = entry { $entry }: sealed_at { $value } is not a time
cli-log-before = entry { $entry } (inspection { $inspection }) says it was sealed at { $sealed_at }, before entry { $earlier } logged ahead of it ({ $earlier_at }): backdated
cli-log-after-head = entry { $entry } (inspection { $inspection }) says it was sealed at { $sealed_at }, after the head that holds it ({ $head_time })
cli-log-audited = AUDITED: { $count ->
    [one] { $count } entry
   *[other] { $count } entries
} ({ $seals ->
    [one] { $seals } seal
   *[other] { $seals } seals
}, { $histories ->
    [one] { $histories } key-history change
   *[other] { $histories } key-history changes
}) give the signed root; every seal is dated in order
cli-log-backdated = BACKDATED: { $problem }
