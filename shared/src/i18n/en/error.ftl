# The server's errors: the detail of a problem document (and what the command line prints
# for a failed operation). The codes (`inspection.sealed`) stay in the code; these are the words.

## Titles: the HTTP status in words.
error-title-bad-request = Bad Request
error-title-unauthorized = Unauthorized
error-title-forbidden = Forbidden
error-title-not-found = Not Found
error-title-request-timeout = Request Timeout
error-title-conflict = Conflict
error-title-precondition-failed = Precondition Failed
error-title-content-too-large = Content Too Large
error-title-unsupported-media-type = Unsupported Media Type
error-title-unprocessable = Unprocessable Content
error-title-too-many-requests = Too Many Requests
error-title-checksum-mismatch = Checksum Mismatch
error-title-internal = Internal Server Error
error-title-unavailable = Service Unavailable
error-title-other = Error { $status }

## Any operation.
error-internal = internal error (logged with this request's id)
error-database-unavailable = the database cannot be reached; retry later
error-store-unavailable = the blob store cannot be reached; retry later
error-store-refused = the blob store refused the request (configuration); retry later
error-store-full = no space left to store the upload; retry later
error-upload-too-large = the body is larger than the limit of { $limit } bytes
error-inspection-sealed = the inspection is sealed; nothing can be added or changed (create a supplement)

## Not found: what was looked for.
error-no-such-resource = no such resource
error-no-such-object = no such stored object
error-no-such-inspection = no such inspection
error-no-such-company = no such company
error-no-such-seat-tag = no such seat tag
error-no-such-organization = no such organization
error-no-such-user = no such user
error-no-such-device = no such device
error-no-such-webhook = no such webhook
error-no-such-delivery = no such delivery
error-no-such-blob = no such blob
error-no-such-upload = no such upload

## How a request is taken apart. { $problem } is the parser's own words (English).
error-request-content-type = send `Content-Type: application/json`
error-request-body-shape = the body is not what the operation takes: { $problem }
error-request-body = the body cannot be read: { $problem }
error-request-query = the query cannot be read: { $problem }
error-request-path = the path cannot be read: { $problem }
error-metrics-token = /metrics needs the configured bearer token

## Resumable uploads (tus).
error-tus-version = send `Tus-Resumable: 1.0.0`
error-tus-header = { $header } must be a non-negative integer
error-tus-metadata = metadata { $key } is not base64 UTF-8
error-tus-metadata-sha256 = sha256 must be 64 lowercase hex digits
error-tus-length = Upload-Length is required (deferred length is not supported)
error-tus-content-type = Content-Type must be `application/offset+octet-stream`
error-tus-offset = Upload-Offset is required
error-tus-offset-mismatch = the upload is at offset { $offset }; HEAD it and resume from there
error-tus-offset-moved = another request moved the offset; HEAD and resume
error-tus-checksum-algorithm = only sha256 is supported
error-tus-checksum = Upload-Checksum is not base64
error-tus-checksum-mismatch = the bytes received do not match Upload-Checksum; nothing was kept
error-tus-file-mismatch = the file hashes to { $sha256 }, not the announced sha256; the upload was discarded

## Signing in and tokens.
error-token-missing = an `Authorization: Bearer` token is required
error-token-not-bearer = expected a Bearer token
error-token-malformed = malformed token
error-token-no-kid = token has no kid
error-token-unknown-key = token signed by an unknown key
error-token-critical-header = token has a critical header extension
error-token-expired = the access token has expired; refresh it
error-token-rejected = token rejected
error-token-issued-in-future = token issued in the future
error-token-not-yet-valid = token not valid yet
error-token-lifetime = token lives longer than the configured lifetime
error-token-algorithm = unsupported token algorithm
error-token-unknown-subject = no user is linked to this identity
error-token-user-gone = the token's user no longer exists or is disabled
error-idp-unavailable = the identity provider's keys cannot be fetched; retry later
error-idp-key-unusable = the provider's key is not usable
error-role-cannot = the { $role } role cannot do this

## Uploads and decoding.
error-upload-incomplete = the upload was cut short: { $problem }
error-upload-stalled = no byte of the upload arrived for { $seconds } s; nothing was stored
error-upload-digest-required = send X-Content-SHA256 (hex) or Content-Digest (sha-256)
error-upload-digest-header-hex = X-Content-SHA256 must be 64 hex digits
error-upload-content-digest-base64 = Content-Digest sha-256 is not base64
error-upload-content-digest-length = Content-Digest sha-256 must be 32 bytes
error-upload-content-digest-missing = Content-Digest has no sha-256
error-upload-digest-mismatch = received bytes hash to { $received }, not the announced { $announced }; nothing was stored
error-photo-digest-mismatch = the photo's SHA-256 is not the announced one
error-evidence-roles = the roles cannot be read: { $problem }
error-image-too-large-to-decode = decoding this image needs about { $needed_mb } MB, more than the server's decode budget of { $budget_mb } MB
error-decode-busy = the server is decoding other photos; retry shortly

## Personal data in what was sent.
error-personal-id-in-identifier = { $field } holds a full ID number; identifiers are not rewritten, choose another without one
error-personal-id-unmaskable = { $field } holds a long digit sequence that is not valid there once masked
error-personal-id-json = the document could not be read as JSON: { $problem }

## Inspections.
error-role-cannot-change-official = the { $role } role cannot change an official inspection
error-role-cannot-change-rehearsal = the { $role } role cannot change a rehearsal
error-official-by-inspector = only an inspector opens an official inspection
error-rehearsal-by-company = rehearsals are run by the company's staff
error-profile-unknown = no rule profile { $profile }
error-profile-invalid = the rule profile cannot be used: { $problem }
error-inspection-busy = the inspection changed at the same time; retry
error-inspection-not-object = the inspection must be a JSON object
error-inspection-invalid = the inspection cannot be read: { $problem }
error-inspection-uscc-not-company = the inspection's USCC is not the company organization's
error-inspection-time-zone = unknown time zone { $zone }
error-inspection-window = the window ends before it starts
error-inspection-geofence = the geofence radius must be positive
error-inspection-supplement = a supplement follows a sealed inspection of the same company and mode
error-seat-id = seat ids are 1–64 characters, no ':'
error-seat-id-personal-id = a seat id holds a full ID number; choose a seat number without one
error-assignment-device = the assignment goes only to an enrolled, unrevoked device of yours

## Sealing, export, review.
error-sign-off-missing-inspector = no sign-off by an inspector
error-sign-off-missing-representative = no sign-off by the company representative
error-sign-off-no-image = the company representative's sign-off { $item } has no signature image
error-sign-off-no-person = the company representative's sign-off { $item } does not name the person (masked ID number and keyed hash)
error-sign-off-shared-image = sign-offs { $first } and { $second } use the same signature image for two roles
error-seal-sign-offs = an official inspection is sealed only when the on-site record is signed: { $problems }
error-seal-timestamp = the time-stamping authority failed; not sealed: { $problem }
error-seal-evidence-path = items { $first } and { $second } would both be stored as { $path }
error-seal-changed = the inspection changed while it was being sealed (evidence or a seat tag arrived); nothing was sealed: seal again
error-inspection-not-sealed = the inspection is not sealed yet
error-export-no-signing-key = the events after the seal cannot be signed: { $problem }
error-review-rehearsal = rehearsals are not reviewed
error-review-comment = a review comment has at most { $max } characters
error-review-not-sealed = only a sealed inspection is reviewed

## The seal log.
error-log-busy = the seal log is being appended by other writers; retry
error-log-rotating = the bundle keyring is being rotated; retry
error-log-no-signing-key = the bundle keyring has no active key: no tree head can be signed
error-log-start = start { $start } is beyond the log's size { $size }
error-log-sizes = need 0 < first ≤ second ≤ { $size } (the log's size); got { $first } and { $second }

## Sessions.
error-sign-in-too-many-failures = too many failed sign-ins; try again later (see Retry-After)
error-bad-credentials = wrong user name or password
error-bad-refresh-token = the refresh token is unknown, expired or revoked; sign in again
error-refresh-reused = this refresh token was used already: every token of this sign-in is revoked; sign in again

## Webhooks.
error-webhook-url = the webhook URL cannot be read: { $problem }
error-webhook-scheme = a webhook URL is http or https only
error-webhook-target = the webhook's address is refused: { $problem }
error-webhook-event = unknown event { $event } (known: { $known })

## Organizations, users, devices.
error-organization-name = the name is empty
error-company-needs-uscc = a company needs its USCC
error-company-needs-authority = a company needs its authority_id
error-not-an-authority = authority_id is not an authority
error-organization-company-fields = uscc and authority_id are for companies
error-organization-exists = a company with this USCC exists
error-user-role-org = the { $role } role belongs to a { $wanted } organization, not a { $found }
error-username = a user name is 1–64 characters, no spaces
error-username-personal-id = the user name holds a full ID number; choose one without it
error-password-short = the password needs at least { $min } characters
error-user-needs-password = a user needs a password or an external_subject
error-user-exists = this user name is taken
error-user-self = an admin cannot disable themself; another admin can
error-user-last-admin = this is the last active admin: create or enable another first
error-device-key = not a P-256 public key: { $problem }
error-device-exists = this key is enrolled already
error-seat-tag = the seat tag cannot be signed: { $problem }

## ID numbers (never the number itself).
error-id-number-length = the ID number has { $found } characters; 18 expected (or 15 for a legacy ID)
error-id-number-characters = an ID number may only hold 17 digits and a final check character (digit or X)
error-id-number-check-digit = the ID number fails the GB 11643 check digit
error-id-number-birth-date = the ID number's birth date (positions 7–14) is not a real date
error-id-number-region = the ID number's first two digits are not a province code
error-id-number-legacy = a 15-digit legacy ID number has no check digit to verify

## Evidence.
error-missing-file-by-client = item.missing_file is written by `hecha check` for a folder's absent file; upload the bytes instead
error-evidence-seat-tag = the seat tag is not one this server issued for this inspection
error-evidence-blob-missing = upload the bytes (sha256 { $sha256 }) before the item
error-evidence-blob-size = the item says { $said } bytes; the stored blob has { $stored }
error-evidence-photo-too-large = a photo larger than { $limit } bytes cannot be read
error-evidence-id = item ids are 1–128 of A–Z a–z 0–9 - _ . :
error-evidence-captured-by = captured_by must be the caller's user id
error-evidence-qr-text-kind = qr_text is only for si_scan items
error-evidence-qr-text-signed = a signed item carries its parsed record, not qr_text
error-evidence-blob-sha256 = blob.sha256 must be 64 lowercase hex digits
error-evidence-photo-blob = a photo needs its bytes (blob)
error-evidence-media-blob = media needs its bytes (blob)
error-evidence-not-an-image = a photo's bytes must be a JPEG, HEIC/HEIF, PNG, WebP or TIFF image: send the camera's file
error-evidence-exif-mismatch = the item's EXIF facts are not those of its photo
error-evidence-record = send the scanned text as qr_text or the certificate photo: the server parses, masks and hashes the ID number
error-evidence-id-number-signed = a signed sign-off carries its person (masked ID and keyed hash), not id_number
error-evidence-id-number = id_number: { $problem }
error-evidence-person = send the signer's ID number as id_number: the server computes the masked ID and the keyed hash
error-evidence-signature-image = the company representative's sign-off needs the signature image (blob)
error-evidence-signed-personal-id = { $fields } hold a full ID number; a signed item is not rewritten, mask it on the device and sign again
error-evidence-device-id = the item's device_id is not the signing device
error-evidence-device-not-enrolled = the signing device is not an enrolled device of the caller
error-evidence-invalid = the item cannot be digested: { $problem }
error-evidence-signature = device signature does not verify: { $problem }
error-evidence-conflict = item { $item } is recorded already with different content
