#!/usr/bin/env python3
"""Sealed-bundle benchmark (issue 4; not run by CI).

Builds rehearsal folders of photos (examples/suzhou plus ~3-5 MB random-content JPEG-named
photo items) at two sizes, then, in one run, for each size:

- export: `hecha seal DIR` vs `zip -0 -r` of the same folder (goal: >= 1.0x its speed);
- verify: `hecha verify BUNDLE --trust KEY` vs `sha256sum` over the same files
  (goal: >= 0.9x its throughput);
- the peak RSS of both hecha commands (`/usr/bin/time -v`; goal: bounded, the same at
  both sizes).

Each command runs --repeat times (default 3); the median wall time is reported. The work
directory defaults to /dev/shm (tmpfs) so that both sides read from memory and the figures
compare CPU paths, not the disk; pass --workdir for a disk.

    bench/bundle.py                       # 256 MiB and 1024 MiB
    bench/bundle.py --sizes 64,256 --repeat 1
"""

import argparse
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_timed(cmd, cwd=None):
    """Runs cmd under /usr/bin/time -v; returns (wall seconds, peak RSS KiB)."""
    start = time.perf_counter()
    p = subprocess.run(
        ["/usr/bin/time", "-v", *cmd],
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    wall = time.perf_counter() - start
    if p.returncode != 0:
        sys.exit(f"failed ({p.returncode}): {' '.join(map(str, cmd))}\n{p.stderr}")
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr)
    return wall, int(m.group(1)) if m else 0


def best_of(n, cmd, cwd=None, before=None):
    walls, rss = [], 0
    for _ in range(n):
        if before:
            before()
        w, r = run_timed(cmd, cwd)
        walls.append(w)
        rss = max(rss, r)
    return statistics.median(walls), rss


def make_folder(dest: Path, mib: int, seed: int):
    """examples/suzhou plus random photo items until the photos total >= mib MiB."""
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(ROOT / "examples/suzhou", dest)
    rng = random.Random(seed)
    target = mib << 20
    total, n = 0, 0
    entries = []
    (dest / "bench").mkdir()
    while total < target:
        n += 1
        size = rng.randint(3_000_000, 5_000_000)
        name = f"bench/photo-{n:04}.jpg"
        with open(dest / name, "wb") as f:
            # A JPEG start marker, then random (incompressible) bytes.
            f.write(b"\xff\xd8\xff\xe0" + os.urandom(size - 4))
        total += size
        entries.append(
            f'\n[[evidence]]\nid = "bench-photo-{n:04}"\nkind = "photo"\n'
            f'subject = "office"\nfile = "{name}"\nsource = "in_app"\nrule_ids = []\n'
        )
    with open(dest / "inspection.toml", "a", encoding="utf-8") as f:
        f.write("\n# ---- Benchmark photos (bench/bundle.py) ----\n")
        f.writelines(entries)
    files = [p for p in dest.rglob("*") if p.is_file()]
    return files, sum(p.stat().st_size for p in files), n


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="256,1024", help="bundle sizes in MiB (comma-separated)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--workdir", default="/dev/shm/hecha-bench-bundle")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--no-build", action="store_true", help="use the existing target/release/hecha")
    args = ap.parse_args()

    for tool in ["zip", "sha256sum", "/usr/bin/time"]:
        if not shutil.which(tool):
            sys.exit(f"{tool} is required (apt-get install zip time)")
    if not args.no_build:
        subprocess.run(["cargo", "build", "--release", "-p", "hecha-server"], cwd=ROOT, check=True)
    hecha = ROOT / "target/release/hecha"

    work = Path(args.workdir)
    work.mkdir(parents=True, exist_ok=True)
    key = work / "signer.pem"
    if not key.exists():
        subprocess.run([hecha, "key", "generate", "--out", key], check=True, stdout=subprocess.DEVNULL)

    rows = []
    for mib in [int(s) for s in args.sizes.split(",")]:
        folder = work / f"folder-{mib}"
        bundle = work / f"bundle-{mib}.zip"
        plain = work / f"plain-{mib}.zip"
        print(f"== {mib} MiB: generating photos …", file=sys.stderr)
        files, total, n = make_folder(folder, mib, args.seed)

        def rm(p):
            return lambda: p.unlink(missing_ok=True)

        print(f"== {mib} MiB: {n} photos, {total / 2**20:.0f} MiB; sealing …", file=sys.stderr)
        seal_t, seal_rss = best_of(
            args.repeat,
            [hecha, "seal", folder, "--key", key, "--out", bundle],
            before=rm(bundle),
        )
        zip_t, zip_rss = best_of(
            args.repeat, ["zip", "-0", "-r", "-q", plain, "."], cwd=folder, before=rm(plain)
        )
        print(f"== {mib} MiB: verifying …", file=sys.stderr)
        verify_t, verify_rss = best_of(args.repeat, [hecha, "verify", bundle, "--trust", key])
        sha_t, sha_rss = best_of(args.repeat, ["sha256sum", *[str(p) for p in files]])
        bundle_size = bundle.stat().st_size
        rows.append(
            dict(
                mib=mib,
                photos=n,
                total=total,
                bundle=bundle_size,
                seal=seal_t,
                zip=zip_t,
                verify=verify_t,
                sha=sha_t,
                seal_rss=seal_rss,
                verify_rss=verify_rss,
                zip_rss=zip_rss,
                sha_rss=sha_rss,
            )
        )
        shutil.rmtree(folder)
        bundle.unlink()
        plain.unlink()

    mbs = lambda b, t: b / t / 1e6  # noqa: E731
    print()
    print(f"hecha {subprocess.run([hecha, '--version'], capture_output=True, text=True).stdout.strip()}; "
          f"{os.cpu_count()} CPUs; workdir {work}; median of {args.repeat}")
    print()
    print("| bundle | photos | export: `hecha seal` | `zip -0 -r` | ratio (goal ≥ 1.0) "
          "| verify: `hecha verify` | `sha256sum` | ratio (goal ≥ 0.9) "
          "| peak RSS seal / verify |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['total'] / 2**20:.0f} MiB | {r['photos']} "
            f"| {r['seal']:.2f} s ({mbs(r['total'], r['seal']):.0f} MB/s) "
            f"| {r['zip']:.2f} s ({mbs(r['total'], r['zip']):.0f} MB/s) "
            f"| {r['zip'] / r['seal']:.2f}× "
            f"| {r['verify']:.2f} s ({mbs(r['bundle'], r['verify']):.0f} MB/s) "
            f"| {r['sha']:.2f} s ({mbs(r['total'], r['sha']):.0f} MB/s) "
            f"| {r['sha'] / r['verify']:.2f}× "
            f"| {r['seal_rss'] / 1024:.0f} / {r['verify_rss'] / 1024:.0f} MiB |"
        )


if __name__ == "__main__":
    main()
