# `hecha verify`: the report's lines.
verify-label-bundle = bundle
verify-label-format = format
verify-label-inspection = inspection
verify-label-mode = mode
verify-label-signer = signer
verify-label-sealed-at = sealed at
verify-label-manifest = manifest
verify-label-merkle-root = merkle root
verify-label-items = items
verify-label-timestamp = time-stamp
verify-label-log = seal log
verify-label-note = note
verify-mode-official = official
verify-kind-official = official
verify-kind-rehearsal = rehearsal
verify-mode-rehearsal = REHEARSAL — not an official record
verify-counts = { $items ->
    [one] { $items } item
   *[other] { $items } items
}, { $events ->
    [one] { $events } event
   *[other] { $events } events
}
verify-signer = { $kid } ({ $pin })
verify-pin-history = pinned by the --trust key history
verify-pin-key = pinned by a --trust key; retirement not checked
verify-pin-untrusted = NOT trusted
verify-pin-none = not pinned: pass --trust HISTORY to check who signed
verify-timestamp = { $time } by { $tsa } ({ $pin })
verify-tsa-pinned = TSA pinned by --tsa-trust
verify-tsa-unpinned = TSA not pinned: pass --tsa-trust CERT
verify-timestamp-invalid = present but not valid
verify-timestamp-none = none: the sealing time is the signer's claim
verify-log = leaf { $leaf } of { $size } (tree head { $time }, { $pin })
verify-log-signer-pinned = signed by a pinned key
verify-log-signer-unpinned = signer not pinned
verify-ok = OK: intact
verify-ok-trusted = OK: intact and signed by a trusted key
verify-invalid = INVALID: { $n ->
    [one] { $n } problem
   *[other] { $n } problems
}
verify-refused = REFUSED { $path }: { $reason }
verify-unreadable = hecha verify: { $path }: cannot read the bundle: { $reason }
verify-official-needs-trust = --require-official needs --trust (the authority's key history): without a pinned anchor, anyone's key could have signed

# Problems and notes, one per code. `detail` is the checking library's own account.
verify-bagit-no-version = bagit.txt does not declare a BagIt version
verify-bagit-declaration = bagit.txt cannot be read: { $detail }
verify-bagit-unlisted = { $path } is in the payload but not in manifest-sha256.txt
verify-bagit-oxum = Payload-Oxum says { $said }, the payload is { $actual }
verify-bagit-no-bag-info = bag-info.txt is missing
verify-bagit-manifest-missing = { $name } cannot be read: { $detail }
verify-bagit-no-path = { $name } line { $line }: no path
verify-bagit-unsafe-path = { $name } line { $line }: unsafe path { $path }
verify-bagit-hash-mismatch = { $path }: SHA-256 is { $actual }, { $name } says { $listed }
verify-bagit-missing-file = { $path } is listed in { $name } but absent
verify-file-unreadable = { $path } cannot be read: { $detail }
verify-file-absent = { $path } is not in the bag
verify-v1-limits = a hecha.bundle/v1 bundle: its signature does not cover the number of items (an inclusion proof needs the manifest beside it), its jwks.json and bag-info.txt are not held to the key history and the manifest, its sign-offs and signing key's purpose are not re-checked, and it carries no seal-log proof
verify-signature-purpose = a { $mode } bundle signed by a key for { $purpose } bundles
verify-mode-rehearsal-refused = a rehearsal bundle is never an official record
verify-mode-unpinned = an official record is one signed by the authority: pin its key history (--trust)
verify-manifest-unreadable = hecha/manifest.json cannot be read: { $detail }
verify-manifest-not-canonical = hecha/manifest.json is not in canonical (RFC 8785) form
verify-manifest-canonical-error = hecha/manifest.json cannot be put in canonical form: { $detail }
verify-manifest-integrity = the manifest does not hold together: { $detail }
verify-keys-history = the bundle's key history does not verify: { $detail }
verify-timestamp-missing = the manifest says time-stamped but hecha/timestamp.tsr is absent
verify-timestamp-unexpected = hecha/timestamp.tsr is present but the manifest is not time-stamped
verify-timestamp-sealed-at = the token is dated { $time }, the manifest says sealed at { $sealed_at } (more than { $tolerance } s apart)
verify-timestamp-bad = the time-stamp does not verify: { $detail }
verify-timestamp-required = no valid RFC 3161 time-stamp: the sealing time is only the signer's claim
verify-time-signer-claim = no RFC 3161 time-stamp: the sealing time is the signer's claim
verify-signature-invalid = the bundle's signature does not verify: { $detail }
verify-signature-manifest = the signature covers manifest { $signed }, the bundle holds { $actual }
verify-signature-merkle-root = the signature covers another Merkle root
verify-signature-inspection = the signature is for inspection { $inspection }
verify-signature-mode = signed as { $signed }, labelled { $labelled }
verify-signature-sealed-at = the signature's sealing time differs from the manifest's
verify-signature-schema = signed as { $signed }, the manifest says { $schema }
verify-signature-tree-size = the signature covers { $signed ->
    [one] { $signed } item
   *[other] { $signed } items
}, the manifest lists { $listed }
verify-signature-kid = signed by { $kid }, the manifest names { $named }
verify-retirement-unchecked = the signer is pinned by bare keys (a JWKS or PEM), which do not say when a key was retired: pass the authority's key history (/.well-known/hecha-key-history.json) to --trust to check it
verify-device-signature = a device signature does not verify: { $detail }
verify-jwks-unreadable = hecha/jwks.json cannot be read: { $detail }
verify-jwks-bad-kid = hecha/jwks.json holds a key whose kid is wrong: { $detail }
verify-jwks-twice = key { $kid } is listed twice
verify-jwks-differs = key { $kid } differs from the key history's
verify-jwks-stranger = key { $kid } is neither in the key history nor a device key that signed an item
verify-jwks-missing = key { $kid } of the key history is missing
verify-addendum-incomplete = the addendum needs both hecha/addendum.jsonl and hecha/addendum.jws
verify-addendum-untrusted = the addendum's signer: { $reason }
verify-addendum-invalid = the addendum does not hold: { $detail }
verify-log-absent = no hecha/seal-log.json: the seal is in no seal log (sealed offline by `hecha seal`, before the server kept a log, or a rehearsal), so nothing shows it was not backdated
verify-events-head = the log ends at { $head } after { $count ->
    [one] { $count } event
   *[other] { $count } events
}; the manifest says { $sealed_head } after { $sealed_count }
verify-events-chain = the event chain is broken: { $detail }
verify-events-unreadable = hecha/events.jsonl cannot be read: { $detail }
verify-profile-digest = hecha/profile.toml has SHA-256 { $actual }, the manifest says { $sealed }
verify-profile-invalid = hecha/profile.toml is not a rule profile: { $detail }
verify-findings-words-only = { $rules } sealed as words only (before the message catalogue): compared as data on status, evidence ids and measures; their words were not re-rendered
verify-findings-reworded = the findings agree as data; this engine words { $rules } differently than the sealed text (a report renders findings sealed as messages in this catalogue's words, the others in their sealed words)
verify-findings-other-engine = { $detail }; the sealed verdicts are the sealing engine's and could not be re-checked by this one (--strict-findings makes this a failure)
verify-findings-differ = the findings differ from what this engine gives: { $detail }
verify-signoff-invalid = the sign-offs do not meet the profile: { $detail }
verify-evidence-collision = items { $first } and { $second } both name { $path }
verify-evidence-mismatch = { $path }: { $size } bytes with SHA-256 { $sha }; sealed as { $sealed_size } bytes with { $sealed_sha }
verify-evidence-missing = { $path } (item { $item }) is not in the bag
verify-evidence-unexpected = { $path } is not an item of the manifest
verify-findings-csv = { $path } does not list the sealed findings
verify-unexpected-file = { $path } is not part of the bundle format (not covered by the signature)
verify-bag-info-error = the expected bag-info.txt cannot be made from the manifest: { $detail }
verify-bag-info-absent = bag-info.txt has no { $label } (the manifest says { $value })
verify-bag-info-differs = bag-info.txt { $label } is not the manifest's { $value }

# Trust: the signer against the pinned anchors.
verify-trust-history-ahead = the bundle's key history goes beyond the pinned one: pin the authority's current history
verify-trust-history-forked = the bundle's key history is not a prefix of the pinned history (a forked or altered history)
verify-trust-key-period = by the pinned key history: { $detail }
verify-trust-not-reached = signer { $kid } is not reached from any --trust key
verify-tree-head-unreadable = the tree head: { $detail }
verify-tree-head-not-pinned = the tree head is signed by { $kid }, which no --trust anchor pins
verify-tree-head-bad = the tree head does not verify: { $detail }
verify-tree-head-no-history = the bundle's key history does not verify, so nothing can check the tree head's signature

# The seal log.
verify-log-not-proof = hecha/seal-log.json is not a seal-log proof: { $detail }
verify-log-other-seal = the seal log entry names another seal: { $wrong }
verify-log-wrong-manifest = manifest { $logged } (the bundle's is { $actual })
verify-log-wrong-inspection = inspection { $logged } (the bundle's is { $actual })
verify-log-wrong-sealed-at = sealed_at { $logged } (the bundle's is { $actual })
verify-log-key-history-entry = the seal log entry is a key-history entry, not this seal
verify-log-unpinned = the seal log's tree head is signed by a key of the bundle's own history, which is not pinned: pass the authority's key history to --trust
verify-log-inclusion = the seal is not leaf { $leaf } of the signed tree of { $size ->
    [one] { $size } entry
   *[other] { $size } entries
}: { $detail }
