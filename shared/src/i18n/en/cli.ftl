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
