# Input checks: unknown fields, the format of dates and times (what people write in a rehearsal folder and send to the API).
input-unknown-field-nearest = { $at }: unknown field "{ $field }" — did you mean "{ $nearest }"?
input-unknown-field = { $at }: unknown field "{ $field }"; the fields known here: { $expected }.
input-not-a-date = { $at }: { $value } is not a date — write YYYY-MM-DD, e.g. 2027-08-31.
input-not-a-time = { $at }: { $value } is not a time — write RFC 3339 with an offset, e.g. 2026-11-23T09:30:00+08:00.
# Why a rehearsal folder cannot be read.
folder-unreadable = Cannot read { $path }: { $problem }
folder-invalid = { $path } is not a valid rehearsal description: { $problem }
folder-path-escapes = Evidence { $item }: the file { $file } must be a relative path inside the folder
folder-duplicate-id = The evidence id { $id } appears twice
folder-item = Evidence { $item }: { $problem }
folder-at = { $path }: { $problem }
folder-item-at = Evidence #{ $index } (counting from 1): { $problem }
folder-photo-too-large = the file has { $size } bytes, more than a photo's limit of { $limit } bytes
folder-id-number = the ID number `id_number` is wrong: { $problem }
folder-id-number-only-sign-off = only a sign-off (`sign_off`) takes an ID number `id_number`
folder-qr-text-only-si-scan = only a social-insurance scan (`si_scan`) takes scanner text `qr_text`
folder-photo-needs-file = a photo needs its `file`
folder-photo-not-an-image = the file is not a JPEG, HEIC/HEIF, PNG, WebP or TIFF image: a photo must be the camera's file
folder-si-scan-needs-source = a social-insurance scan needs a certificate photo `file`, scanner text `qr_text` or an imported record
