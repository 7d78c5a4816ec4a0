#!/usr/bin/env python3
"""Uploads one file to hecha's tus endpoint with tuspy, an existing tus client.

Run by tests/tests/uploads.rs. The file goes up in small chunks, each with an
Upload-Checksum, and the whole file's sha256 in Upload-Metadata. The upload stops halfway
and a second uploader resumes it from the offset the server reports (HEAD), as a phone
that lost its network would. Prints one JSON line: the file's sha256, the blob the server
stored (Hecha-Blob-Sha256 of the last PATCH), the upload URL and the PATCH count.
"""

import argparse
import hashlib
import json
import os

from tusclient import client
from tusclient.uploader import Uploader


class Sha256Uploader(Uploader):
    # tuspy sends sha1 checksums by default; hecha's checksum extension is sha256 only.
    CHECKSUM_ALGORITHM_PAIR = ("sha256", hashlib.sha256)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--server", required=True, help="http://127.0.0.1:PORT")
    p.add_argument("--token", required=True, help="a bearer access token")
    p.add_argument("--inspection", required=True)
    p.add_argument("--file", required=True)
    p.add_argument("--filetype", default="application/pdf")
    p.add_argument("--chunk-size", type=int, default=256 * 1024)
    a = p.parse_args()

    with open(a.file, "rb") as f:
        sha256 = hashlib.sha256(f.read()).hexdigest()
    size = os.path.getsize(a.file)
    tus = client.TusClient(
        f"{a.server}/api/v1/inspections/{a.inspection}/tus",
        headers={"Authorization": f"Bearer {a.token}"},
    )
    options = dict(
        file_path=a.file,
        client=tus,
        chunk_size=a.chunk_size,
        upload_checksum=True,
        retries=0,
    )
    first = Sha256Uploader(
        metadata={
            "filename": os.path.basename(a.file),
            "filetype": a.filetype,
            "sha256": sha256,
        },
        **options,
    )
    half = (size // 2 // a.chunk_size) * a.chunk_size or a.chunk_size
    first.upload(stop_at=half)
    patches = first.offset // a.chunk_size

    # A new uploader knows only the URL: it asks the server for the offset (HEAD).
    resumed = Sha256Uploader(url=first.url, **options)
    assert resumed.offset == first.offset, (resumed.offset, first.offset)
    while resumed.offset < size:
        resumed.upload_chunk()
        patches += 1
    print(
        json.dumps(
            {
                "sha256": sha256,
                "blob_sha256": resumed.request.response_headers.get("hecha-blob-sha256"),
                "url": first.url,
                "resumed_at": first.offset,
                "patches": patches,
            }
        )
    )


if __name__ == "__main__":
    main()
