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
# What a failed command was doing (followed by the cause the lower layer gives).
cli-cannot-read = cannot read { $path }
cli-cannot-read-profile = cannot read the rule profile { $path }
cli-cannot-read-trust = cannot read the trust file { $path }
cli-trust-file = the trust file { $path } is not valid
cli-cannot-read-key = cannot read the key { $path }
cli-cannot-create = cannot create { $path }
cli-cannot-create-keyring = cannot create the keyring { $path }
cli-cannot-write = cannot write { $path }
cli-not-json = { $path } is not JSON
cli-not-utf8 = { $path } is not UTF-8 text
cli-not-a-certificate = { $path } is not a certificate
cli-not-inclusion-proof = { $path } is not an inclusion proof
cli-not-proof-statement = { $path } is not a proof statement
cli-no-tree-head = { $path } has no tree head (`tree_head_jws`)
cli-get-failed = GET { $url } failed
cli-get-reply = GET { $url }: reading the reply failed
cli-get-status = GET { $url }: HTTP { $status }: { $body }
cli-get-not-json = GET { $url }: the reply is not JSON
cli-log-needs-trust = pass `--trust` with the authority's key history to judge the tree heads
cli-log-needs-source = pass `--server` with a URL or `--proof` with a file
cli-not-key-history = { $url } is not a key history
cli-key-history-of = the key history of { $url } is not valid
cli-proof-nodes = the proof's nodes are not valid
cli-log-entries = the log's entries are not valid
cli-head-timestamp = the tree head's time is not valid
cli-writing-stdout = writing to standard output failed
cli-no-item = no item { $item } in the bundle
cli-no-randomness = no randomness: { $problem }
cli-seat = seat { $seat }
cli-cannot-listen = cannot listen on { $address }
cli-cannot-open = cannot open { $what }
cli-data-dir = cannot create or protect the data directory { $path }
cli-dry-run = dry run: nothing deleted
# The lines `hecha serve`, `migrate`, `export`, `gc` and `key` print for operators.
cli-serve-listening = { $program } { $version } listening on { $url }
cli-serve-data-dir = {"  "}data directory  { $path }
cli-serve-database = {"  "}database        { $url }
cli-serve-blob-store = {"  "}blob store      { $store }
cli-serve-api = {"  "}API             { $api }  (OpenAPI: { $openapi })
cli-serve-health = {"  "}health          { $health }
cli-serve-no-admin = No admin yet. Create the first one with:
cli-migrated = migrations applied to { $url }
cli-no-inspection = no inspection { $id }
cli-not-sealed = inspection { $id } is not sealed ({ $status })
cli-wrote = wrote { $path } ({ $bytes ->
    [one] one byte
   *[other] { $bytes } bytes
})
cli-would-delete = would delete { $key }
cli-would-drop-upload = would drop upload { $id }
cli-key-retired = retired { $kid }
cli-pii-scanned = scanned { $rows ->
    [one] one row
   *[other] { $rows } rows
} and { $objects ->
    [one] one stored bundle document
   *[other] { $objects } stored bundle documents
}: { $hits ->
    [one] one place holds
   *[other] { $hits } places hold
} a full ID number
cli-key-col-kid = kid
cli-key-col-created = created
cli-key-col-retired = retired
cli-key-col-active = active
cli-key-active = active
