#!/usr/bin/env python3
"""Server upload benchmark (issue 5; not run by CI).

Starts s3s-fs and `hecha serve` on it (release build), then, in one run against that same
s3s-fs:

- throughput: --photos random-content JPEG-headed photos of 3-8 MB (seeded, generated once
  into --photo-dir) sent by --clients concurrent clients, once as signed S3 PUTs straight
  to s3s-fs (the baseline) and once through `POST /api/v1/inspections/{id}/blobs`
  (goal: hecha >= 0.9x the baseline's MB/s);
- peak RSS of the `hecha serve` process (VmHWM) while --rss-uploads uploads of
  --rss-mib MiB arrive at once, on a freshly started server (goal: <= 256 MiB).

Both sides use the same client: Python `requests` from a thread pool, each body read
whole from --photo-dir (tmpfs by default) with its SHA-256 computed beforehand, so the
client does the same work per byte; the baseline's PUTs are signed with botocore's SigV4
signer using that SHA-256 as the payload hash. s3s-fs's data directory is --s3-dir (tmpfs
by default); hecha's data directory (database, spool) is under --workdir, on disk.

    bench/upload.py                           # 500 photos, 8 clients, 64 x 10 MiB
    bench/upload.py --photos 100 --no-build
    bench/upload.py --upload-concurrency 8    # HECHA_LIMITS__UPLOAD_CONCURRENCY for the server
"""

import argparse
import concurrent.futures
import hashlib
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import threading
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ACCESS_KEY, SECRET_KEY = "hecha-bench-access", "hecha-bench-secret"
BUCKET = "hecha-bench"
ADMIN_PASSWORD = "a long enough bench password"
EXAMPLE_USCC = "91320594MA1XY2E40D"


def random_bytes(seed, n):
    return random.Random(seed).randbytes(n)


def make_photos(folder: Path, count, min_bytes, max_bytes, seed, prefix):
    """Photo i depends only on (seed, i); reuses what an earlier run generated."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    photos = []
    for i in range(count):
        size = rng.randint(min_bytes, max_bytes)
        path = folder / f"{prefix}-{seed}-{i:04}-{size}.jpg"
        digest_file = path.with_suffix(".sha256")
        if not (path.exists() and digest_file.exists()):
            # A JPEG start marker, then random (incompressible) bytes.
            body = b"\xff\xd8\xff\xe0" + random_bytes(seed * 1_000_003 + i, size - 4)
            path.write_bytes(body)
            digest_file.write_text(hashlib.sha256(body).hexdigest())
        photos.append((path, size, digest_file.read_text().strip()))
    return photos


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url, proc, what, timeout=60):
    import requests

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"{what} exited with {proc.returncode}")
        try:
            requests.get(url, timeout=1)
            return
        except requests.RequestException:
            time.sleep(0.1)
    sys.exit(f"{what} did not answer at {url} within {timeout} s")


class S3:
    """Signed requests to s3s-fs with a precomputed payload hash."""

    def __init__(self, endpoint):
        from botocore.auth import SigV4Auth
        from botocore.credentials import Credentials

        self.endpoint = endpoint
        self.signer = SigV4Auth(Credentials(ACCESS_KEY, SECRET_KEY), "s3", "us-east-1")

    def request(self, session, method, path, body=b"", sha256=None):
        from botocore.awsrequest import AWSRequest

        url = f"{self.endpoint}/{path}"
        sha256 = sha256 or hashlib.sha256(body).hexdigest()
        req = AWSRequest(method=method, url=url, headers={"X-Amz-Content-SHA256": sha256})
        self.signer.add_auth(req)
        r = session.request(method, url, data=body, headers=dict(req.headers.items()))
        if r.status_code >= 300:
            sys.exit(f"{method} {url}: {r.status_code} {r.text[:300]}")
        return r


def start_hecha(hecha, data_dir, env, log):
    port = free_port()
    proc = subprocess.Popen(
        [hecha, "serve", "--data-dir", data_dir, "--listen", f"127.0.0.1:{port}"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    wait_for(f"{base}/healthz", proc, "hecha serve")
    return proc, base


def stop(proc):
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def vm_hwm_kib(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def cpu_s(pid=None):
    """CPU seconds (user + system) of a process so far; of this one (the clients) without a pid."""
    if pid is None:
        t = os.times()
        return t.user + t.system
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def example_inspection():
    """examples/suzhou's [inspection] as API JSON (as tests/src/flow.rs makes it)."""
    with open(ROOT / "examples/suzhou/inspection.toml", "rb") as f:
        inspection = tomllib.load(f)["inspection"]
    inspection.pop("id", None)
    inspection["mode"] = "official"
    inspection.setdefault("company", {})["uscc"] = EXAMPLE_USCC

    def plain(v):  # TOML dates and times as JSON strings
        if isinstance(v, dict):
            return {k: plain(x) for k, x in v.items()}
        if isinstance(v, list):
            return [plain(x) for x in v]
        if isinstance(v, (str, int, float, bool)) or v is None:
            return v
        return v.isoformat()

    return plain(inspection)


def api(session, method, url, token=None, **kw):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    r = session.request(method, url, headers=headers, **kw)
    if r.status_code >= 300:
        sys.exit(f"{method} {url}: {r.status_code} {r.text[:500]}")
    return r.json()


def set_up_inspection(base):
    """An authority, its company, an inspector and an inspection; the inspector's token."""
    import requests

    s = requests.Session()
    token = lambda user, pw: api(  # noqa: E731
        s, "POST", f"{base}/api/v1/auth/token",
        json={"grant_type": "password", "username": user, "password": pw},
    )["access_token"]
    admin = token("admin", ADMIN_PASSWORD)
    authority = api(s, "POST", f"{base}/api/v1/organizations", admin,
                    json={"kind": "authority", "name": "江苏 通信管理局"})["id"]
    company = api(s, "POST", f"{base}/api/v1/organizations", admin,
                  json={"kind": "company", "name": "江苏 公司", "uscc": EXAMPLE_USCC,
                        "authority_id": authority})["id"]
    api(s, "POST", f"{base}/api/v1/users", admin,
        json={"org_id": authority, "username": "bench-inspector",
              "display_name": "Bench inspector", "role": "inspector",
              "password": ADMIN_PASSWORD})
    inspector = token("bench-inspector", ADMIN_PASSWORD)
    inspection = api(s, "POST", f"{base}/api/v1/inspections", inspector,
                     json={"company_id": company, "inspection": example_inspection()})["id"]
    return inspector, inspection


def run_concurrently(clients, items, send):
    """Sends every item from `clients` threads (one requests.Session each); wall seconds."""
    import requests

    local = threading.local()

    def one(item):
        if not hasattr(local, "session"):
            local.session = requests.Session()
        send(local.session, item)

    start = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(clients) as pool:
        for f in [pool.submit(one, item) for item in items]:
            f.result()
    return time.perf_counter() - start


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--photos", type=int, default=500)
    ap.add_argument("--min-mb", type=float, default=3)
    ap.add_argument("--max-mb", type=float, default=8)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--rss-uploads", type=int, default=64)
    ap.add_argument("--rss-mib", type=int, default=10)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--photo-dir", default="/dev/shm/hecha-bench-upload-photos",
                    help="generated photos, kept between runs (tmpfs: the clients read from memory)")
    ap.add_argument("--workdir", default=str(ROOT / "target/bench-upload"),
                    help="hecha's data directory (database, spool) and the logs, emptied first")
    ap.add_argument("--s3-dir", default="/dev/shm/hecha-bench-s3",
                    help="s3s-fs's data directory, emptied first (tmpfs by default: on this "
                         "machine's virtual disk, writeback of the 2.7 GB each phase writes "
                         "stalls whichever phase comes second)")
    ap.add_argument("--upload-concurrency", type=int,
                    help="the server's limits.upload_concurrency (default: its own default)")
    ap.add_argument("--skip", default="", help="comma-separated: throughput,rss")
    ap.add_argument("--no-build", action="store_true", help="use the existing target/release/hecha")
    ap.add_argument("--bin", help="a hecha binary to use instead of the release build (implies --no-build)")
    args = ap.parse_args()
    skip = set(filter(None, args.skip.split(",")))

    try:
        import botocore  # noqa: F401
        import requests
    except ImportError:
        sys.exit("boto3 and requests are required (python3 -m pip install boto3 requests)")
    s3s_fs = shutil.which("s3s-fs") or str(Path.home() / ".cargo/bin/s3s-fs")
    if not Path(s3s_fs).exists():
        sys.exit("s3s-fs is required: cargo install s3s-fs@0.14.1 --features binary --locked")
    if not (args.no_build or args.bin):
        subprocess.run(["cargo", "build", "--release", "-p", "hecha-server"], cwd=ROOT, check=True)
    hecha = Path(args.bin).resolve() if args.bin else ROOT / "target/release/hecha"

    print("== generating photos …", file=sys.stderr)
    photo_dir = Path(args.photo_dir)
    photos = make_photos(photo_dir, args.photos, int(args.min_mb * 1e6), int(args.max_mb * 1e6),
                         args.seed, "photo")
    big = make_photos(photo_dir, args.rss_uploads, args.rss_mib << 20, args.rss_mib << 20,
                      args.seed, "big")
    total = sum(size for _, size, _ in photos)

    work = Path(args.workdir)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    s3_dir = Path(args.s3_dir)
    shutil.rmtree(s3_dir, ignore_errors=True)
    s3_dir.mkdir(parents=True)
    s3_disk = disk_of(s3_dir)
    data_dir = work / "hecha"
    data_dir.mkdir()
    s3_log = open(work / "s3s-fs.log", "w")
    hecha_log = open(work / "hecha.log", "w")
    s3_port = free_port()
    s3_proc = subprocess.Popen(
        [s3s_fs, "--host", "127.0.0.1", "--port", str(s3_port),
         "--access-key", ACCESS_KEY, "--secret-key", SECRET_KEY, s3_dir],
        stdout=s3_log, stderr=subprocess.STDOUT,
    )
    endpoint = f"http://127.0.0.1:{s3_port}"
    hecha_proc = None
    try:
        wait_for(endpoint, s3_proc, "s3s-fs")
        s3 = S3(endpoint)
        s3.request(requests.Session(), "PUT", BUCKET)

        env = dict(os.environ)
        env.update({
            "HECHA_S3__ENDPOINT": endpoint,
            "HECHA_S3__BUCKET": BUCKET,
            "HECHA_S3__ACCESS_KEY": ACCESS_KEY,
            "HECHA_S3__SECRET_KEY": SECRET_KEY,
            "HECHA_S3__PATH_STYLE": "true",
            "HECHA_ADMIN_PASSWORD": ADMIN_PASSWORD,
            "RUST_LOG": "warn",
        })
        if args.upload_concurrency:
            env["HECHA_LIMITS__UPLOAD_CONCURRENCY"] = str(args.upload_concurrency)
        subprocess.run([hecha, "admin", "create", "--username", "admin", "--data-dir", data_dir],
                       env=env, check=True, stdout=subprocess.DEVNULL, cwd=work)
        hecha_proc, base = start_hecha(hecha, data_dir, env, hecha_log)
        token, inspection = set_up_inspection(base)
        blobs_url = f"{base}/api/v1/inspections/{inspection}/blobs"

        def via_hecha(session, photo):
            path, _, sha256 = photo
            r = session.post(blobs_url, data=path.read_bytes(), headers={
                "Authorization": f"Bearer {token}",
                "Content-Type": "image/jpeg",
                "X-Content-SHA256": sha256,
            })
            if r.status_code != 201:
                sys.exit(f"POST {blobs_url}: {r.status_code} {r.text[:300]}")

        def raw_put(session, photo):
            path, _, sha256 = photo
            s3.request(session, "PUT", f"{BUCKET}/raw/{path.name}", path.read_bytes(), sha256)

        def raw_delete(session, photo):
            s3.request(session, "DELETE", f"{BUCKET}/raw/{photo[0].name}")

        raw_t = hecha_t = None
        throughput_hwm = 0
        if "throughput" not in skip:
            os.sync()
            print(f"== raw PUT: {len(photos)} photos, {total / 1e6:.0f} MB, "
                  f"{args.clients} clients …", file=sys.stderr)
            before = cpu_s(), cpu_s(s3_proc.pid)
            raw_t = run_concurrently(args.clients, photos, raw_put)
            raw_cpu = cpu_s() - before[0], cpu_s(s3_proc.pid) - before[1]
            # Only one copy on the disk at a time (the disk is small).
            run_concurrently(args.clients, photos, raw_delete)
            os.sync()
            print("== hecha POST …/blobs …", file=sys.stderr)
            before = cpu_s(), cpu_s(s3_proc.pid), cpu_s(hecha_proc.pid)
            hecha_t = run_concurrently(args.clients, photos, via_hecha)
            hecha_cpu = (cpu_s() - before[0], cpu_s(s3_proc.pid) - before[1],
                         cpu_s(hecha_proc.pid) - before[2])
            throughput_hwm = vm_hwm_kib(hecha_proc.pid)

        rss_hwm = rss_t = 0
        if "rss" not in skip:
            # A fresh process, so that VmHWM is this phase's peak alone.
            stop(hecha_proc)
            hecha_proc, base = start_hecha(hecha, data_dir, env, hecha_log)
            blobs_url = f"{base}/api/v1/inspections/{inspection}/blobs"
            os.sync()
            print(f"== RSS: {len(big)} concurrent uploads of {args.rss_mib} MiB …",
                  file=sys.stderr)
            idle = vm_hwm_kib(hecha_proc.pid)
            rss_t = run_concurrently(len(big), big, via_hecha)
            rss_hwm = vm_hwm_kib(hecha_proc.pid)
        stop(hecha_proc)
        hecha_proc = None
    finally:
        if hecha_proc:
            stop(hecha_proc)
        stop(s3_proc)
        shutil.rmtree(s3_dir, ignore_errors=True)
        shutil.rmtree(data_dir / "spool", ignore_errors=True)

    version = subprocess.run([hecha, "--version"], capture_output=True, text=True).stdout.strip()
    load = os.getloadavg()
    concurrency = args.upload_concurrency or "default"
    print()
    print(f"{version}; {os.cpu_count()} CPUs; load average {load[0]:.1f} {load[1]:.1f}; "
          f"s3s-fs data in {s3_dir} ({s3_disk}); hecha data in {data_dir} "
          f"({disk_of(data_dir)}); photos in {photo_dir}; "
          f"upload_concurrency {concurrency}")
    print()
    if raw_t:
        mb = lambda t: total / t / 1e6  # noqa: E731
        print(f"| photos ({args.clients} clients) | raw signed PUT to s3s-fs "
              f"| hecha `POST …/blobs` → s3s-fs | ratio (goal ≥ 0.9) "
              f"| hecha peak RSS |")
        print("|---|---|---|---|---|")
        print(f"| {len(photos)}, {total / 1e6:.0f} MB "
              f"| {raw_t:.1f} s ({mb(raw_t):.0f} MB/s) "
              f"| {hecha_t:.1f} s ({mb(hecha_t):.0f} MB/s) "
              f"| {raw_t / hecha_t:.2f}× | {throughput_hwm / 1024:.0f} MiB |")
        print()
        print(f"CPU seconds — raw: clients {raw_cpu[0]:.1f}, s3s-fs {raw_cpu[1]:.1f}; "
              f"via hecha: clients {hecha_cpu[0]:.1f}, s3s-fs {hecha_cpu[1]:.1f}, "
              f"hecha {hecha_cpu[2]:.1f}")
        print()
    if rss_hwm:
        print("| concurrent uploads | wall | hecha peak RSS (goal ≤ 256 MiB) | idle RSS |")
        print("|---|---|---|---|")
        print(f"| {len(big)} × {args.rss_mib} MiB | {rss_t:.1f} s "
              f"| {rss_hwm / 1024:.0f} MiB | {idle / 1024:.0f} MiB |")


def disk_of(path: Path):
    p = subprocess.run(["df", "--output=source,target", str(path)], capture_output=True, text=True)
    lines = p.stdout.split("\n")
    return " on ".join(lines[1].split()) if len(lines) > 1 else "?"


if __name__ == "__main__":
    main()
