"""The inspector's phone, through the generated Python bindings of hecha-mobile, against a
real hecha server (started by tests/tests/mobile.rs, which passes everything in HECHA_*
environment variables and seals + verifies the bundle after this script exits 0).

    parent: capture children killed at random moments (SIGKILL, bounded), one child that
            captures the whole visit, a sync child killed mid-way; then reopen, sync, and
            prove every item the children printed reached the server exactly once.

Run as `python3 mobile_flow.py` (parent) — it re-runs itself as `capture-loop`,
`capture-visit` and `sync` children.
"""

import hashlib
import http.server
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
import urllib.request

sys.path.insert(0, os.environ["HECHA_BINDINGS"])
import hecha_mobile as hm  # noqa: E402

ENV = os.environ
OUTBOX = os.path.join(ENV["HECHA_WORKDIR"], "outbox")
EXAMPLES = ENV["HECHA_EXAMPLES"]
with open(ENV["HECHA_ASSIGNMENT"], encoding="utf-8") as f:
    ASSIGNMENT_JSON = f.read()
ASSIGNMENT = json.loads(ASSIGNMENT_JSON)
SEAT_TAGS = [t["tag"] for t in ASSIGNMENT["seat_tags"]]
PHOTOS = sorted(os.listdir(os.path.join(EXAMPLES, "photos")))


def check_char(first17):
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return "10X98765432"[sum(int(c) * k for c, k in zip(first17, w)) % 11]


# A full ID number typed into a note (valid check character), and every full number the
# visit hands the phone: none may be found in the outbox or on the server afterwards.
PLANTED_ID = "32050819770815061" + check_char("32050819770815061")
FULL_IDS = [PLANTED_ID, "11010519491231002X", "320506198803120425", "320581199207153014",
            "320102198506202523"]


def outbox_leaks():
    """Files of the outbox (SQLite with its WAL, blobs) holding a full ID number."""
    leaks = []
    for root, _, files in os.walk(OUTBOX):
        for name in files:
            with open(os.path.join(root, name), "rb") as f:
                data = f.read()
            leaks += [(name, i) for i in FULL_IDS if i.encode() in data]
    return leaks


def read(*parts):
    with open(os.path.join(EXAMPLES, *parts), "rb") as f:
        return f.read()


class SoftVault(hm.KeyVault):
    """The platform keystore, in software for the test: the sealed form is the secret
    XOR-ed with a pad only this process derives, and a tag."""

    PAD = hashlib.sha256(b"test keystore of this phone").digest()

    def seal(self, secret):
        body = bytes(b ^ self.PAD[i % 32] for i, b in enumerate(secret))
        return body + hashlib.sha256(self.PAD + body).digest()[:8]

    def open(self, sealed):
        body, tag = sealed[:-8], sealed[-8:]
        if hashlib.sha256(self.PAD + body).digest()[:8] != tag:
            raise hm.MobileError.Internal(code="vault.tag", zh="密封数据被改动", en="sealed data altered")
        return bytes(b ^ self.PAD[i % 32] for i, b in enumerate(body))


def open_session(reopen=False):
    signer = hm.SoftwareSigner.from_secret(bytes.fromhex(ENV["HECHA_DEVICE_SECRET"]))
    if reopen:
        # From what the outbox keeps: the assignment, its person-hash key sealed.
        return hm.InspectionSession.reopen(
            OUTBOX, ENV["HECHA_USER_ID"], ENV["HECHA_DEVICE_ID"], signer.as_device_signer(),
            SoftVault())
    return hm.InspectionSession.open_assignment(
        OUTBOX, ASSIGNMENT_JSON, ENV["HECHA_USER_ID"], ENV["HECHA_DEVICE_ID"],
        signer.as_device_signer(), SoftVault())


def emit(item_id):
    # The id is printed only after the call returned: it must reach the server.
    print("ITEM", item_id, flush=True)


def si(roles, rule_ids, specialty=None, related=None, years=None):
    return hm.SiEntered(roles=roles, specialty=specialty, specialty_related=related,
                        telecom_experience_years=years, rule_ids=rule_ids)


SI_RULES = ["staff.si_count", "staff.si_months", "staff.si_local", "staff.si_specialty",
            "staff.si_roles"]
SI_TEXTS = [
    ("姓名：周明\n公民身份号码：320506198803120425\n参保地：苏州工业园区\n"
     "参保险种：养老保险、医疗保险、失业保险、工伤保险、生育保险\n缴费起止：2025年03月至2026年10月\n"
     "单位名称：苏州核查示例科技有限公司\n统一社会信用代码：91320594MA1XY2E40D",
     si(["license_lead", "technical_lead"], SI_RULES, "通信工程", True, "8")),
    ("https://si.example.gov.cn/verify?xm=%E7%8E%8B%E8%8A%B3&sfzh=320581199207153014"
     "&cbd=%E8%8B%8F%E5%B7%9E%E5%B7%A5%E4%B8%9A%E5%9B%AD%E5%8C%BA&jfys=14"
     "&dwmc=%E8%8B%8F%E5%B7%9E%E6%A0%B8%E6%9F%A5%E7%A4%BA%E4%BE%8B%E7%A7%91%E6%8A%80"
     "%E6%9C%89%E9%99%90%E5%85%AC%E5%8F%B8&tyshxydm=91320594MA1XY2E40D",
     si(["customer_service_lead"], SI_RULES, "计算机科学与技术", True)),
    ('{"data":{"name":"李强","idNo":"320102198506202523","place":"苏州市姑苏区","months":"26",'
     '"company":"苏州核查示例科技有限公司","uscc":"91320594MA1XY2E40D"}}',
     si(["network_security_lead"], SI_RULES, "网络工程", True)),
]


def dial(seat, recording_item):
    n = SEAT_TAGS.index(seat) + 1
    return hm.DialTestInput(
        dialed_number=f"9611000{n}", temporary_trunk=False, connected=True,
        caller_id_shown=True, recording_played_back=True,
        started_at=f"2026-11-23T10:3{n}:00+08:00", ended_at=f"2026-11-23T10:3{n}:50+08:00",
        recording_item=recording_item, rule_ids=["seats.dial_test", "seats.physical_count"])


def capture_loop(seed):
    """Captures forever (until killed): photos, SI texts, checklists, notes, dial tests."""
    rnd = random.Random(seed)
    s = open_session()
    print("READY", flush=True)
    while True:
        k = rnd.randrange(5)
        if k == 0:
            r = s.add_photo(read("photos", rnd.choice(PHOTOS)), ["site.real_address"],
                            hm.Source.IN_APP)
            emit(r.item.item_id)
        elif k == 1:
            text, entered = rnd.choice(SI_TEXTS)
            emit(s.scan_qr_text(text, entered).item.item_id)
        elif k == 2:
            emit(s.record_checklist(json.dumps(
                {"checklist": "ups", "present": True, "status_normal": True,
                 "runtime_minutes": "45", "rule_ids": ["room.ups"]})).item_id)
        elif k == 3:
            emit(s.add_note(f"现场记录 {rnd.random()}", []).item_id)
        else:
            seat = rnd.choice(SEAT_TAGS)
            m = s.add_media(read("media", "recording-seat-01.wav"), "recording", seat,
                            ["seats.dial_test"])
            emit(m.item_id)
            emit(s.record_dial_test(seat, dial(seat, m.item_id)).item_id)


def capture_visit():
    """The whole visit of examples/suzhou, captured on the phone, offline."""
    s = open_session()
    photo_rules = {
        "office-1.jpg": ["site.real_address", "site.office_area"],
        "office-2.jpg": ["site.real_address", "site.office_area"],
        "rack.jpg": ["room.room_or_rack", "site.real_address"],
        "ups.jpg": ["room.ups"], "extinguisher.jpg": ["room.fire_extinguisher"],
        "access-log.jpg": ["room.access_log"],
        "seats.jpg": ["seats.equipment", "seats.physical_count"],
        "caller-id.jpg": ["system.caller_id_screening"],
        "complaints.jpg": ["system.complaint_handling"],
    }
    for name, rules in photo_rules.items():
        p = s.add_photo(read("photos", name), rules, hm.Source.IN_APP)
        assert p.inside_geofence is not None, (name, p)
        emit(p.item.item_id)
    # Bytes that are no image are not a photo: refused at capture, nothing kept.
    try:
        s.add_photo(b"%PDF-1.7 a document, not a photo", ["site.real_address"], hm.Source.IN_APP)
        raise AssertionError("a non-image was taken as a photo")
    except hm.MobileError.Invalid as e:
        assert e.code == "photo.not_an_image", e
        assert "JPEG" in e.zh and "JPEG" in e.en, e
    for c in [
        {"checklist": "office", "area_m2": "168.5", "rule_ids": ["site.office_area"]},
        {"checklist": "room_or_rack", "room_kind": "own_rack", "rule_ids": ["room.room_or_rack"]},
        {"checklist": "ups", "present": True, "model": "APC SRT3KXLI", "capacity_kva": "3",
         "status_normal": True, "runtime_minutes": "45", "rule_ids": ["room.ups"]},
        {"checklist": "fire_extinguisher", "present": True, "extinguisher_type": "二氧化碳",
         "pressure_in_range": True, "inspection_valid_until": "2027-08-31",
         "rule_ids": ["room.fire_extinguisher"]},
        {"checklist": "access_log", "present": True, "log_kind": "electronic",
         "latest_entry_on": "2026-11-23", "rule_ids": ["room.access_log"]},
        {"checklist": "recording_retention", "oldest_playable_recording_on": "2026-09-15",
         "rule_ids": ["system.recording_retention"]},
    ] + [{"checklist": "system_demo", "function": f, "demonstrated": True,
          "rule_ids": [r]} for f, r in [
        ("caller_id_screening", "system.caller_id_screening"),
        ("complaint_handling", "system.complaint_handling"),
        ("inbound", "system.in_out_record_store"), ("outbound", "system.in_out_record_store"),
        ("recording", "system.in_out_record_store"),
        ("data_storage", "system.in_out_record_store")]]:
        emit(s.record_checklist(json.dumps(c, ensure_ascii=False)).item_id)
    emit(s.add_document(json.dumps(
        {"doc_kind": "lease", "title": "房屋租赁登记备案证明", "start": "2026-07-01",
         "end": "2029-06-30", "registered_with_housing_bureau": True,
         "rule_ids": ["site.lease_term"]}, ensure_ascii=False), read("photos", "lease.jpg")).item_id)
    for n, seat in enumerate(SEAT_TAGS, start=1):
        emit(s.record_checklist(json.dumps(
            {"checklist": "seat_equipment", "seat_tag": seat, "phone_or_softphone": True,
             "computer": True, "headset": True, "rule_ids": ["seats.equipment"]})).item_id)
        m = s.add_media(read("media", f"recording-seat-0{n}.wav"), "recording", seat,
                        ["seats.dial_test"])
        emit(m.item_id)
        emit(s.record_dial_test(seat, dial(seat, m.item_id)).item_id)
    for text, entered in SI_TEXTS:
        r = s.scan_qr_text(text, entered)
        assert r.id_masked and "*" in r.id_masked and r.id_hash, r
        emit(r.item.item_id)
    cert = read("certificates", "si-chen.jpg")
    r = s.scan_qr_image(cert, si(["agent"], ["staff.si_count", "staff.si_months",
                                             "staff.si_local"], "电子信息工程", True))
    assert r.certificate_sha256 and r.format != "unknown", r
    # The certificate photo is not kept: the record carries its SHA-256 only.
    assert json.loads(r.item.item_json).get("blob") is None
    emit(r.item.item_id)
    # A full ID number typed into free text is masked before the item is signed.
    n = s.add_note(f"代表身份证 {PLANTED_ID}，复印件已核对", ["site.real_address"])
    assert PLANTED_ID not in n.item_json and "***" in n.item_json, n.item_json
    emit(n.item_id)
    emit(s.sign_off("inspector", "检查员甲", None, None).item_id)
    with open(ENV["HECHA_SIGNATURE_PNG"], "rb") as f:
        emit(s.sign_off("company_representative", "周明", f.read(), "11010519491231002X").item_id)
    print("DONE", flush=True)


class Tokens(hm.TokenProvider):
    def __init__(self, access, refresh_to=None):
        self.access = access
        self.refresh_to = refresh_to
        self.refreshes = 0

    def access_token(self):
        return self.access

    def refresh(self):
        self.refreshes += 1
        if self.refresh_to is None:
            raise hm.MobileError.SyncFatal(code="auth.refresh", zh="无法刷新", en="cannot refresh")
        self.access = self.refresh_to
        return self.access


class Progress(hm.SyncProgress):
    def __init__(self):
        self.items = []
        self.bytes = (0, 0)

    def on_item(self, item_id, state):
        self.items.append((item_id, state))

    def on_bytes(self, sent, total):
        self.bytes = (sent, total)


def sync_child():
    s = open_session()
    print("READY", flush=True)
    s.sync(ENV["HECHA_URL"], Tokens(ENV["HECHA_ACCESS_TOKEN"]), Progress())
    print("SYNCED", flush=True)


def run_child(mode, arg, kill_after=None):
    """Runs a child; SIGKILLs it `kill_after` seconds after it is READY. Returns the item
    ids it printed and whether it was killed."""
    p = subprocess.Popen([sys.executable, __file__, mode, str(arg)], stdout=subprocess.PIPE,
                         text=True, env=dict(ENV))
    ids, ready = [], threading.Event()

    def reader():
        for line in p.stdout:
            if line.startswith("ITEM "):
                ids.append(line.split()[1])
            elif line.startswith("READY"):
                ready.set()
        ready.set()

    t = threading.Thread(target=reader)
    t.start()
    killed = False
    if kill_after is not None:
        ready.wait(60)
        time.sleep(kill_after)
        if p.poll() is None:
            p.send_signal(signal.SIGKILL)
            killed = True
    p.wait(300)
    t.join()
    if not killed:
        assert p.returncode == 0, f"{mode} child failed with {p.returncode}"
    return ids, killed


def api(path):
    req = urllib.request.Request(ENV["HECHA_URL"] + path,
                                 headers={"Authorization": "Bearer " + ENV["HECHA_ACCESS_TOKEN"]})
    with urllib.request.urlopen(req) as r:
        return json.loads(r.read())


def parent():
    kills = int(ENV.get("HECHA_KILLS", "15"))
    rnd = random.Random(ENV.get("HECHA_SEED", str(time.time())))
    printed = []
    for k in range(kills):
        ids, killed = run_child("capture-loop", rnd.randrange(1 << 30), rnd.uniform(0.0, 0.3))
        assert killed, "the capture loop ended on its own"
        printed += ids
    n_killed = len(printed)
    ids, _ = run_child("capture-visit", 0)
    printed += ids
    assert len(set(printed)) == len(printed), "an item id was returned twice"

    s = open_session()
    local = s.items()
    local_ids = [i.item_id for i in local]
    missing = set(printed) - set(local_ids)
    assert not missing, f"returned items lost by a kill: {sorted(missing)[:5]}"
    assert all(i.state == "pending" for i in local)

    # Offline checks: a seat tag of another inspection is refused; findings and report.
    try:
        s.record_dial_test("hecha-seat:v1:k:other:A-01:sig", dial(SEAT_TAGS[0], None))
        raise AssertionError("a foreign seat tag was accepted")
    except hm.MobileError.Invalid as e:
        assert e.code == "evidence.seat_tag", e
    findings = s.findings()
    assert findings and all(f.status for f in findings)
    assert "<html" in s.readiness_report("zh")

    # A token the server does not accept is fatal at once (no retries, no refresh).
    try:
        s.sync(ENV["HECHA_URL"], Tokens("not-a-token"), Progress())
        raise AssertionError("sync with a bad token succeeded")
    except hm.MobileError.SyncFatal as e:
        assert e.code.startswith("auth."), e

    # A recording of several tus chunks: the first sync is cancelled from its progress
    # callback once a chunk went up; the next resumes the same upload (HEAD) from there.
    big = random.Random(7).randbytes(3 * 1024 * 1024 + 12345)
    big_item = s.add_media(big, "video", SEAT_TAGS[0], ["seats.dial_test"]).item_id
    local_ids.append(big_item)

    class CancelAfterFirstChunk(Progress):
        def on_bytes(self, sent, total):
            super().on_bytes(sent, total)
            if sent >= 1024 * 1024:
                s.cancel()

    try:
        s.sync(ENV["HECHA_URL"], Tokens(ENV["HECHA_ACCESS_TOKEN"]), CancelAfterFirstChunk())
        raise AssertionError("a cancelled sync completed")
    except hm.MobileError.Cancelled as e:
        assert e.code, e

    # A server that keeps answering 503: bounded retries with backoff, then "retry later",
    # nothing lost.
    hits = []

    class Busy(http.server.BaseHTTPRequestHandler):
        def _busy(self):
            hits.append(self.command)
            self.send_response(503)
            self.send_header("Retry-After", "0")
            self.send_header("Content-Type", "application/problem+json")
            body = b'{"code":"database.unavailable","status":503}'
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = do_PATCH = do_HEAD = _busy

        def log_message(self, *args):
            pass

    before = [(i.item_id, i.state) for i in s.items()]
    assert any(state == "pending" for _, state in before), "the cancel left work to do"
    busy = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Busy)
    threading.Thread(target=busy.serve_forever, daemon=True).start()
    try:
        s.sync(f"http://127.0.0.1:{busy.server_address[1]}", Tokens(ENV["HECHA_ACCESS_TOKEN"]), Progress())
        raise AssertionError("a sync against a 503 server completed")
    except hm.MobileError.SyncRetryLater as e:
        assert 1 < len(hits) <= 40, len(hits)
    busy.shutdown()
    assert [(i.item_id, i.state) for i in s.items()] == before, "a failing server changed nothing"

    # Sync killed mid-way (twice), then completed from a reopened session.
    for _ in range(2):
        run_child("sync", 0, rnd.uniform(0.05, 0.5))
    s = open_session()
    progress = Progress()
    # The access token expired while offline: the sync refreshes it once and goes on.
    tokens = Tokens(ENV["HECHA_EXPIRED_TOKEN"], refresh_to=ENV["HECHA_ACCESS_TOKEN"])
    report = s.sync(ENV["HECHA_URL"], tokens, progress)
    assert tokens.refreshes == 1, tokens.refreshes
    assert report.pending == 0, report
    after = s.items()
    assert all(i.state == "acked" for i in after), [i for i in after if i.state != "acked"][:3]
    assert all(json.loads(i.verdict_json)["digest"] == i.digest for i in after)

    # Exactly once on the server: the same ids, each once, with the device's digests.
    insp = s.inspection_id()
    server = api(f"/api/v1/inspections/{insp}/evidence")
    server_ids = [e["item_id"] for e in server]
    assert len(server_ids) == len(set(server_ids)), "an item recorded twice"
    assert set(server_ids) == set(local_ids), (
        set(server_ids) ^ set(local_ids))
    digests = {i.item_id: i.digest for i in after}
    for e in server:
        assert e["digest"] == digests[e["item_id"]], e["item_id"]
        assert e["signed"] is True and e["device_id"] == ENV["HECHA_DEVICE_ID"]
        assert e["clock_offset_ms"] is not None
    # The big recording went up whole, in chunks, resumed after the cancel.
    big_server = [e for e in server if e["item_id"] == big_item][0]
    assert big_server["item"]["blob"]["size"] == len(big)
    assert big_server["item"]["blob"]["sha256"] == hashlib.sha256(big).hexdigest()
    photos = [e for e in server if e["kind"] == "photo"]
    assert photos and all(e["assessment"] is not None for e in photos)

    # No full ID number anywhere: the outbox files (database, WAL, blobs) and what the
    # server answers.
    assert not outbox_leaks(), outbox_leaks()
    # The person-hash key is at rest only sealed (neither its hex nor its bytes), and the
    # session reopens from what the outbox keeps.
    key_hex = ASSIGNMENT["person_hash_key"]["key_hex"]
    for root, _, files in os.walk(OUTBOX):
        for name in files:
            with open(os.path.join(root, name), "rb") as f:
                data = f.read()
            assert key_hex.encode() not in data and bytes.fromhex(key_hex) not in data, name
    assert [i.item_id for i in open_session(reopen=True).items()] == [i.item_id for i in s.items()]
    server_text = json.dumps(server, ensure_ascii=False)
    assert not [i for i in FULL_IDS if i in server_text], "a full ID number reached the server"
    assert any(e["kind"] == "note" and "***" in e["item"]["text"] for e in server)

    # Nothing left to send.
    again = s.sync(ENV["HECHA_URL"], Tokens(ENV["HECHA_ACCESS_TOKEN"]), Progress())
    assert (again.created, again.already_there, again.pending) == (0, 0, 0), again

    result = {"printed": len(printed), "printed_before_kills": n_killed,
              "local": len(local_ids), "server": len(server_ids),
              "created": report.created, "already_there": report.already_there,
              "kills": kills}
    with open(ENV["HECHA_RESULT"], "w") as f:
        json.dump(result, f)
    print(json.dumps(result))


if __name__ == "__main__":
    mode = sys.argv[1] if len(sys.argv) > 1 else "parent"
    if mode == "capture-loop":
        capture_loop(int(sys.argv[2]))
    elif mode == "capture-visit":
        capture_visit()
    elif mode == "sync":
        sync_child()
    else:
        parent()
