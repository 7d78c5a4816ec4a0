#!/usr/bin/env python3
"""Compare `hecha exif` with ExifTool over a folder of photos (not run by CI).

    cargo build --release -p hecha-server
    python3 bench/exif.py [CORPUS_DIR] [--hecha target/release/hecha] [--show N]

Prints, per field, how often the two tools agree (over the files where either tool found
a value: lat/lon within 1e-6 degrees, alt within 0.01 m, the rest exactly), and each
tool's throughput in files per second (one process over all files, wall clock).
"""

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

FIELDS = ["lat", "lon", "alt", "gps_time", "datetime_original", "offset", "make", "model", "software"]
TOLERANCE = {"lat": 1e-6, "lon": 1e-6, "alt": 0.01}
EXIFTOOL_TAGS = [
    "-GPSLatitude", "-GPSLongitude", "-GPSAltitude", "-GPSDateTime", "-DateTimeOriginal",
    "-OffsetTimeOriginal", "-OffsetTime", "-Make", "-Model", "-Software",
]
# Keep each command line well under ARG_MAX.
CHUNK = 2000


def chunks(items, n=CHUNK):
    for i in range(0, len(items), n):
        yield items[i : i + n]


def timed(cmd):
    """Runs one tool process; the time is the process's alone (parsing its output is not)."""
    start = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, text=True)
    return out, time.perf_counter() - start


def run_hecha(binary, files):
    rows, spent = {}, 0.0
    for part in chunks(files):
        out, dt = timed([binary, "exif", *part])
        spent += dt
        if out.returncode != 0:
            sys.exit(f"hecha exited {out.returncode}: {out.stderr.strip()}")
        for line in out.stdout.splitlines():
            row = json.loads(line)
            rows[row["file"]] = row
    return rows, spent


def exiftool_time(value):
    """ExifTool's composite GPSDateTime `2026:11:23 06:05:07Z` as RFC 3339."""
    if not isinstance(value, str) or len(value) < 19:
        return None
    date, _, rest = value.partition(" ")
    return date.replace(":", "-") + "T" + rest


def text(value):
    if value is None or value == "":
        return None
    return str(value).strip()


def number(value):
    return value if isinstance(value, (int, float)) else None


def run_exiftool(files):
    rows, spent = {}, 0.0
    for part in chunks(files):
        cmd = ["exiftool", "-n", "-json", "-q", "-q", *EXIFTOOL_TAGS, *part]
        out, dt = timed(cmd)
        spent += dt
        for item in json.loads(out.stdout or "[]"):
            rows[item["SourceFile"]] = {
                "lat": number(item.get("GPSLatitude")),
                "lon": number(item.get("GPSLongitude")),
                "alt": number(item.get("GPSAltitude")),
                "gps_time": exiftool_time(item.get("GPSDateTime")),
                "datetime_original": text(item.get("DateTimeOriginal")),
                "offset": text(item.get("OffsetTimeOriginal") or item.get("OffsetTime")),
                "make": text(item.get("Make")),
                "model": text(item.get("Model")),
                "software": text(item.get("Software")),
            }
    return rows, spent


def agree(field, a, b):
    if a is None or b is None:
        return a is None and b is None
    if field in TOLERANCE:
        return abs(float(a) - float(b)) <= TOLERANCE[field] + 1e-12
    return a == b


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", nargs="?", default="bench/corpus/", help="folder of images (recursive)")
    parser.add_argument("--hecha", default="target/release/hecha", help="path to the hecha binary")
    parser.add_argument("--show", type=int, default=5, help="disagreements to print per field")
    parser.add_argument("--rounds", type=int, default=3, help="runs per tool; the fastest counts (load spikes)")
    args = parser.parse_args()

    corpus = Path(args.corpus)
    if not corpus.is_dir():
        sys.exit(f"no such folder: {corpus}")
    files = sorted(str(p) for p in corpus.rglob("*") if p.is_file())
    if not files:
        sys.exit(f"no files in {corpus}")
    if not Path(args.hecha).is_file():
        sys.exit(f"no hecha binary at {args.hecha} (cargo build --release -p hecha-server)")

    runs = [run_hecha(args.hecha, files) for _ in range(max(1, args.rounds))]
    hecha, hecha_s = runs[0][0], min(t for _, t in runs)
    print(f"{len(files)} files in {corpus}")
    print(f"hecha exif   {hecha_s:8.3f} s  {len(files) / hecha_s:10.1f} files/s")

    if shutil.which("exiftool") is None:
        print("\nexiftool is not installed: no agreement table.")
        print("install it with: apt-get install -y libimage-exiftool-perl")
        return
    runs = [run_exiftool(files) for _ in range(max(1, args.rounds))]
    tool, tool_s = runs[0][0], min(t for _, t in runs)
    print(f"exiftool -n  {tool_s:8.3f} s  {len(files) / tool_s:10.1f} files/s")
    print(f"ratio        {tool_s / hecha_s:8.1f}x  (best of {max(1, args.rounds)} runs each)")

    print(f"\n{'field':<18} {'agree':>7} {'of':>6} {'%':>7}   (files where either tool has a value)")
    examples = []
    for field in FIELDS:
        n = ok = 0
        for f in files:
            a = hecha.get(f, {}).get(field)
            b = tool.get(f, {}).get(field)
            if a is None and b is None:
                continue
            n += 1
            if agree(field, a, b):
                ok += 1
            elif sum(1 for e in examples if e[0] == field) < args.show:
                examples.append((field, f, a, b))
        pct = f"{100.0 * ok / n:6.1f}%" if n else "    n/a"
        print(f"{field:<18} {ok:>7} {n:>6} {pct:>7}")

    errors = sum(1 for f in files if hecha.get(f, {}).get("error"))
    print(f"\nhecha reported an error for {errors} of {len(files)} files")
    if examples:
        print("\ndisagreements (field, file, hecha, exiftool):")
        for field, f, a, b in examples:
            print(f"  {field:<18} {f}: {a!r} vs {b!r}")


if __name__ == "__main__":
    main()
