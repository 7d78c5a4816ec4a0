"""schemathesis hooks for tests/tests/openapi.rs (loaded through SCHEMATHESIS_HOOKS)."""

import schemathesis

# A tus PATCH body (`application/offset+octet-stream`) is bytes, like any octet stream.
schemathesis.serializer.alias("application/offset+octet-stream", "application/octet-stream")
