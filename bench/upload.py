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
by default); hecha's data directories (database, spool; a fresh one per measurement) are
under --workdir, on disk.

With --client-link the servers run in a network namespace that the clients reach over a
veth pair shaped to each given rate in turn (see Net); both phases are measured per rate.

    bench/upload.py                           # 500 photos, 8 clients, 64 x 10 MiB
    bench/upload.py --photos 100 --no-build
    bench/upload.py --upload-concurrency 8    # HECHA_LIMITS__UPLOAD_CONCURRENCY for the server
    bench/upload.py --client-link 1gbit,2gbit,unshaped --skip rss
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


def start_hecha(hecha, data_dir, env, log, net):
    port = free_port()
    proc = subprocess.Popen(
        net.wrap([hecha, "serve", "--data-dir", data_dir, "--listen", f"{net.listen}:{port}"]),
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://{net.address}:{port}"
    wait_for(f"{base}/healthz", proc, "hecha serve")
    return proc, base


class Net:
    """Where the servers run and how the clients reach them.

    By default everything is on this host's loopback. With --client-link, s3s-fs and hecha
    run in a network namespace of their own (hecha reaches s3s-fs over that namespace's
    loopback, as a server reaches a store in its data centre) and the clients reach both
    over a veth pair whose client-to-server direction is shaped to a rate with tc's token
    bucket filter: the link a deployment's clients upload over. Needs root and iproute2.
    """

    def __init__(self, shaped):
        self.shaped = shaped
        self.ns = self.veth = None
        self.address, self.listen = "127.0.0.1", "127.0.0.1"
        if not shaped:
            return
        tag = os.getpid() % 100000
        self.ns, self.veth, peer = f"hecha-bench-{tag}", f"hbh{tag}", f"hbn{tag}"
        self.address, self.listen = "10.231.0.2", "0.0.0.0"
        run = lambda *cmd: subprocess.run(cmd, check=True)  # noqa: E731
        run("ip", "netns", "add", self.ns)
        try:
            run("ip", "link", "add", self.veth, "type", "veth", "peer", "name", peer)
            run("ip", "link", "set", peer, "netns", self.ns)
            run("ip", "addr", "add", "10.231.0.1/30", "dev", self.veth)
            run("ip", "link", "set", self.veth, "up")
            for cmd in (["addr", "add", "10.231.0.2/30", "dev", peer],
                        ["link", "set", peer, "up"], ["link", "set", "lo", "up"]):
                run("ip", "-n", self.ns, *cmd)
        except BaseException:
            self.close()
            raise

    def wrap(self, cmd):
        return ["ip", "netns", "exec", self.ns, *map(str, cmd)] if self.ns else cmd

    def shape(self, rate):
        """Shapes the clients' uploads to `rate` (tc syntax, e.g. 1gbit), or not (None)."""
        if not self.ns:
            return
        subprocess.run(["tc", "qdisc", "del", "dev", self.veth, "root"],
                       stderr=subprocess.DEVNULL)
        if rate:
            # A bucket of 10 ms at the rate (at least 256 KiB, for 64 KiB GSO segments).
            burst = max(parse_rate(rate) // 8 // 100, 256 * 1024)
            subprocess.run(["tc", "qdisc", "add", "dev", self.veth, "root", "tbf",
                            "rate", rate, "burst", str(burst), "latency", "100ms"], check=True)

    def close(self):
        if self.veth:
            subprocess.run(["ip", "link", "del", self.veth], stderr=subprocess.DEVNULL)
        if self.ns:
            subprocess.run(["ip", "netns", "del", self.ns], stderr=subprocess.DEVNULL)


def parse_rate(rate):
    """bits per second of a tc rate such as 1gbit, 500mbit, 2.5gbit."""
    units = {"kbit": 10**3, "mbit": 10**6, "gbit": 10**9, "bit": 1}
    for unit, factor in units.items():
        if rate.endswith(unit):
            return int(float(rate[: -len(unit)]) * factor)
    sys.exit(f"--client-link: {rate!r} is not a rate such as 1gbit or 500mbit")


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
    ap.add_argument("--client-link", default="",
                    help="comma-separated tc rates (1gbit, 500mbit) or 'unshaped': run the "
                         "servers in a network namespace that the clients reach over a veth "
                         "pair shaped to each rate in turn, both phases per rate (needs root)")
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
    s3_log = open(work / "s3s-fs.log", "w")
    hecha_log = open(work / "hecha.log", "w")
    links = [None if r in ("", "unshaped") else r for r in args.client_link.split(",")]
    net = Net(bool(args.client_link))
    s3_port = free_port()
    s3_proc = subprocess.Popen(
        net.wrap([s3s_fs, "--host", net.listen, "--port", str(s3_port),
                  "--access-key", ACCESS_KEY, "--secret-key", SECRET_KEY, s3_dir]),
        stdout=s3_log, stderr=subprocess.STDOUT,
    )
    hecha_proc = None
    rounds = []
    try:
        wait_for(f"http://{net.address}:{s3_port}", s3_proc, "s3s-fs")
        s3 = S3(f"http://{net.address}:{s3_port}")
        s3.request(requests.Session(), "PUT", BUCKET)

        env = dict(os.environ)
        env.update({
            # hecha reaches s3s-fs over its own loopback (the namespace's, with --client-link).
            "HECHA_S3__ENDPOINT": f"http://127.0.0.1:{s3_port}",
            "HECHA_S3__BUCKET": BUCKET,
            "HECHA_S3__ACCESS_KEY": ACCESS_KEY,
            "HECHA_S3__SECRET_KEY": SECRET_KEY,
            "HECHA_S3__PATH_STYLE": "true",
            "HECHA_ADMIN_PASSWORD": ADMIN_PASSWORD,
            "RUST_LOG": "warn",
        })
        if args.upload_concurrency:
            env["HECHA_LIMITS__UPLOAD_CONCURRENCY"] = str(args.upload_concurrency)

        def fresh_hecha(name):
            """A hecha serve on a new data directory (no blob stored yet): its process, its
            URL, and the uploads' path and token."""
            data_dir = work / name
            data_dir.mkdir()
            subprocess.run([hecha, "admin", "create", "--username", "admin",
                            "--data-dir", data_dir],
                           env=env, check=True, stdout=subprocess.DEVNULL, cwd=work)
            proc, base = start_hecha(hecha, data_dir, env, hecha_log, net)
            token, inspection = set_up_inspection(base)
            return proc, base, f"/api/v1/inspections/{inspection}/blobs", token

        def via_hecha(blobs_url, token):
            def send(session, photo):
                path, _, sha256 = photo
                r = session.post(blobs_url, data=path.read_bytes(), headers={
                    "Authorization": f"Bearer {token}",
                    "Content-Type": "image/jpeg",
                    "X-Content-SHA256": sha256,
                })
                if r.status_code != 201:
                    sys.exit(f"POST {blobs_url}: {r.status_code} {r.text[:300]}")
            return send

        def raw_put(session, photo):
            path, _, sha256 = photo
            s3.request(session, "PUT", f"{BUCKET}/raw/{path.name}", path.read_bytes(), sha256)

        def raw_delete(session, photo):
            s3.request(session, "DELETE", f"{BUCKET}/raw/{photo[0].name}")

        def blob_delete(session, photo):
            sha256 = photo[2]
            s3.request(session, "DELETE", f"{BUCKET}/blobs/sha256/{sha256[:2]}/{sha256}")

        if "throughput" not in skip:
            # Untimed: the first 2.7 GB written to tmpfs after a build makes the kernel reclaim
            # page cache, which whichever phase came first would pay for.
            print("== warm-up: raw PUT of every photo, untimed …", file=sys.stderr)
            run_concurrently(args.clients, photos, raw_put)
            run_concurrently(args.clients, photos, raw_delete)
        for i, link in enumerate(links if "throughput" not in skip else []):
            net.shape(link)
            what = f"client link {link or 'unshaped'}" if net.ns else "loopback"
            hecha_proc, base, blobs, token = fresh_hecha(f"hecha-{i}")
            os.sync()
            print(f"== {what}: raw PUT, {len(photos)} photos, {total / 1e6:.0f} MB, "
                  f"{args.clients} clients …", file=sys.stderr)
            before = cpu_s(), cpu_s(s3_proc.pid)
            raw_t = run_concurrently(args.clients, photos, raw_put)
            raw_cpu = cpu_s() - before[0], cpu_s(s3_proc.pid) - before[1]
            # Only one copy in the bucket at a time (tmpfs holds it in memory).
            run_concurrently(args.clients, photos, raw_delete)
            os.sync()
            print(f"== {what}: hecha POST …/blobs …", file=sys.stderr)
            before = cpu_s(), cpu_s(s3_proc.pid), cpu_s(hecha_proc.pid)
            hecha_t = run_concurrently(args.clients, photos, via_hecha(base + blobs, token))
            hecha_cpu = (cpu_s() - before[0], cpu_s(s3_proc.pid) - before[1],
                         cpu_s(hecha_proc.pid) - before[2])
            rounds.append((what, raw_t, hecha_t, raw_cpu, hecha_cpu,
                           vm_hwm_kib(hecha_proc.pid)))
            stop(hecha_proc)
            hecha_proc = None
            run_concurrently(args.clients, photos, blob_delete)

        rss_hwm = rss_t = 0
        if "rss" not in skip:
            # An unshaped link; the inspection set up (logins hash passwords with Argon2),
            # then a fresh process on that data directory, so that VmHWM is the uploads' peak.
            net.shape(None)
            hecha_proc, _, blobs, token = fresh_hecha("hecha-rss")
            stop(hecha_proc)
            hecha_proc, base = start_hecha(hecha, work / "hecha-rss", env, hecha_log, net)
            os.sync()
            print(f"== RSS: {len(big)} concurrent uploads of {args.rss_mib} MiB …",
                  file=sys.stderr)
            idle = vm_hwm_kib(hecha_proc.pid)
            rss_t = run_concurrently(len(big), big, via_hecha(base + blobs, token))
            rss_hwm = vm_hwm_kib(hecha_proc.pid)
            stop(hecha_proc)
            hecha_proc = None
    finally:
        if hecha_proc:
            stop(hecha_proc)
        stop(s3_proc)
        net.close()
        shutil.rmtree(s3_dir, ignore_errors=True)
        for spool in work.glob("hecha-*/spool"):
            shutil.rmtree(spool, ignore_errors=True)

    version = subprocess.run([hecha, "--version"], capture_output=True, text=True).stdout.strip()
    load = os.getloadavg()
    concurrency = args.upload_concurrency or "default"
    print()
    print(f"{version}; {os.cpu_count()} CPUs; load average {load[0]:.1f} {load[1]:.1f}; "
          f"s3s-fs data in {s3_dir} ({s3_disk}); hecha data in {work} "
          f"({disk_of(work)}); photos in {photo_dir}; "
          f"upload_concurrency {concurrency}")
    print()
    if rounds:
        mb = lambda t: total / t / 1e6  # noqa: E731
        print(f"| {len(photos)} photos, {total / 1e6:.0f} MB, {args.clients} clients "
              f"| raw signed PUT to s3s-fs | hecha `POST …/blobs` → s3s-fs "
              f"| ratio (goal ≥ 0.9) | hecha peak RSS "
              f"| CPU s, raw: clients + s3s-fs | CPU s, via hecha: clients + s3s-fs + hecha |")
        print("|---|---|---|---|---|---|---|")
        for what, raw_t, hecha_t, raw_cpu, hecha_cpu, hwm in rounds:
            print(f"| {what} "
                  f"| {raw_t:.1f} s ({mb(raw_t):.0f} MB/s) "
                  f"| {hecha_t:.1f} s ({mb(hecha_t):.0f} MB/s) "
                  f"| {raw_t / hecha_t:.2f}× | {hwm / 1024:.0f} MiB "
                  f"| {raw_cpu[0]:.1f} + {raw_cpu[1]:.1f} "
                  f"| {hecha_cpu[0]:.1f} + {hecha_cpu[1]:.1f} + {hecha_cpu[2]:.1f} |")
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
