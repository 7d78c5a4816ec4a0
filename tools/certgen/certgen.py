#!/usr/bin/env python3
"""Render realistic phone photos of Chinese social-insurance certificates
(社会保险参保缴费证明) carrying a QR code, for hecha's QR tests and benchmark.

    python3 tools/certgen/certgen.py --out DIR --count N --seed S [--sizes mixed|12mp]

Writes DIR/cert_NNNN.jpg and DIR/truth.json ({file: [expected texts, sorted]}).
Deterministic by seed. The people are fake; the ID numbers carry a valid GB 11643
check digit so that downstream parsers accept them.
"""
import argparse
import io
import json
import math
import os
import random
import subprocess

import cv2
import numpy as np
import piexif
import qrcode
from PIL import Image, ImageDraw, ImageFilter, ImageFont

import camera
import corpus

SURNAMES = "张王李赵刘陈杨黄周吴徐孙马朱胡郭何林罗高"
GIVEN = ["三", "伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "霞"]
PLACES = [("苏州工业园区", "320571"), ("南京市玄武区", "320102"), ("上海市浦东新区", "310115"),
          ("杭州市西湖区", "330106"), ("深圳市南山区", "440305"), ("成都市武侯区", "510107"),
          ("北京市朝阳区", "110105"), ("武汉市洪山区", "420111")]
EMPLOYERS = ["苏州云呼信息技术有限公司", "南京声通客服外包服务有限公司", "上海联话通讯科技有限公司",
             "杭州远景呼叫中心有限公司", "深圳市智联坐席服务有限公司", "成都蓉信电话营销有限公司"]
WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def id_number(rng, area):
    """GB 11643: 6 area + 8 birth date + 3 sequence + check digit."""
    y, m, d = rng.randint(1965, 2003), rng.randint(1, 12), rng.randint(1, 28)
    body = f"{area}{y:04d}{m:02d}{d:02d}{rng.randint(0, 999):03d}"
    check = "10X98765432"[sum(int(c) * w for c, w in zip(body, WEIGHTS)) % 11]
    return body + check


def uscc(rng):
    return "91" + "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(16))


def payload(rng):
    """(text, encoding) — the text the decoder must return and the bytes' encoding."""
    name = rng.choice(SURNAMES) + rng.choice(GIVEN)
    place, area = rng.choice(PLACES)
    pid = id_number(rng, area)
    emp = rng.choice(EMPLOYERS)
    months = rng.randint(1, 36)
    kind = rng.random()
    if kind < 0.45:
        text = (f"姓名：{name}\n公民身份号码：{pid}\n参保地：{place}\n缴费月数：{months}\n"
                f"单位名称：{emp}\n统一社会信用代码：{uscc(rng)}\n打印日期：2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}")
        enc = "gb18030" if rng.random() < 0.4 else "utf-8"
    elif kind < 0.75:
        token = "".join(rng.choice("0123456789abcdef") for _ in range(rng.choice([16, 32, 64])))
        text = (f"https://si.example.gov.cn/verify?cert={rng.randint(10**11, 10**12 - 1)}"
                f"&area={area}&ts=2025{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}&sign={token}")
        enc = "utf-8"
    else:
        text = json.dumps({"name": name, "id": pid, "place": place, "months": months,
                           "employer": emp, "serial": f"SI{rng.randint(10**9, 10**10 - 1)}"},
                          ensure_ascii=False, separators=(",", ":"))
        enc = "gb18030" if rng.random() < 0.2 else "utf-8"
    return text, enc


def qr_matrix(text, enc, rng):
    q = qrcode.QRCode(error_correction=rng.choice([qrcode.constants.ERROR_CORRECT_L, qrcode.constants.ERROR_CORRECT_M,
                                                   qrcode.constants.ERROR_CORRECT_M, qrcode.constants.ERROR_CORRECT_Q]),
                      border=4)
    # Bytes, so qrcode writes a byte segment without ECI: what most issuers do.
    q.add_data(text.encode(enc))
    q.make(fit=True)
    return np.array(q.get_matrix(), dtype=bool)


def find_font(prefer=("wqy-microhei", "wqy-zenhei", "DroidSansFallback")):
    """A CJK font file: the first of `prefer` that is installed (bench/run installs
    wqy-microhei), else the first one fontconfig lists, else none (Latin labels)."""
    try:
        out = subprocess.run(["fc-list", ":lang=zh", "file"], capture_output=True, text=True, timeout=10).stdout
        files = sorted(line.split(":")[0].strip() for line in out.splitlines() if line.strip())
    except (OSError, subprocess.SubprocessError):
        return None
    for name in prefer:
        for f in files:
            if name in os.path.basename(f):
                return f
    return files[0] if files else None


FONT_FILE = find_font()


def font(size):
    if FONT_FILE:
        return ImageFont.truetype(FONT_FILE, size)
    return ImageFont.load_default(size)


def t(zh, latin):
    return zh if FONT_FILE else latin


def render_page(rng, pw, ph, codes):
    """The certificate page at photo scale; codes = [(matrix, module_px)]."""
    page = Image.new("L", (pw, ph), rng.randint(235, 252))
    d = ImageDraw.Draw(page)
    ink = rng.randint(10, 50)
    d.text((pw // 2, int(ph * 0.07)), t("社会保险参保缴费证明", "SOCIAL INSURANCE CERTIFICATE"),
           fill=ink, font=font(max(8, pw // 18)), anchor="mm")
    f = font(max(6, pw // 45))
    x0, x1 = int(pw * 0.08), int(pw * 0.92)
    y = int(ph * 0.13)
    rows = rng.randint(10, 16)
    rh = int(ph * 0.035)
    labels = ["姓名", "公民身份号码", "参保险种", "参保地", "缴费起止", "缴费月数", "单位名称", "缴费基数"]
    for r in range(rows + 1):
        d.line([(x0, y + r * rh), (x1, y + r * rh)], fill=ink, width=max(1, pw // 600))
        if r < rows:
            lab = labels[r % len(labels)]
            d.text((x0 + 6, y + r * rh + rh // 5), t(lab, f"field {r}"), fill=ink, font=f)
            d.text((x0 + (x1 - x0) // 3, y + r * rh + rh // 5),
                   t(rng.choice(PLACES)[0], "x" * rng.randint(4, 14)), fill=ink, font=f)
    for xx in (x0, x0 + (x1 - x0) // 3 - 4, x1):
        d.line([(xx, y), (xx, y + rows * rh)], fill=ink, width=max(1, pw // 600))
    d.text((x0, int(ph * 0.9)), t("本证明可通过扫描二维码验证真伪", "scan the QR code to verify"), fill=ink, font=f)
    # A round red stamp would be grey here: a ring near the bottom right.
    cx, cy, rr = int(pw * 0.72), int(ph * 0.82), pw // 9
    d.ellipse([cx - rr, cy - rr, cx + rr, cy + rr], outline=rng.randint(90, 140), width=max(2, pw // 150))
    slots = [(int(pw * 0.08), int(ph * 0.66)), (int(pw * 0.40), int(ph * 0.66))]
    for (m, mod), (sx, sy) in zip(codes, slots):
        n = m.shape[0]
        size = max(n, int(round(n * mod)))
        img = Image.fromarray(np.where(m, ink, 250).astype(np.uint8)).resize((size, size), Image.NEAREST)
        page.paste(img, (sx, sy))
    return page


def desk(rng, w, h):
    base = np.array([rng.randint(90, 170), rng.randint(70, 130), rng.randint(40, 100)], dtype=np.float32)
    small = np.random.default_rng(rng.randint(0, 2**31)).normal(0, 1, (max(2, h // 40), max(2, w // 400)))
    grain = np.asarray(Image.fromarray(((small - small.min()) / (np.ptp(small) + 1e-6) * 255).astype(np.uint8))
                       .resize((w, h), Image.BICUBIC), dtype=np.float32) / 255.0 - 0.5
    return np.clip(base[None, None, :] * (1 + 0.35 * grain[:, :, None]), 0, 255)


def perspective_coeffs(dst, src):
    """Coefficients for PIL's PERSPECTIVE transform mapping output (dst) → input (src)."""
    a = []
    for (x, y), (u, v) in zip(dst, src):
        a.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        a.append([0, 0, 0, x, y, 1, -v * x, -v * y])
    return np.linalg.solve(np.array(a, dtype=np.float64), np.array(src, dtype=np.float64).reshape(8)).tolist()


def make_photo(rng, w, h, negative):
    codes, texts = [], []
    if not negative:
        ncodes = 2 if rng.random() < 0.06 else 1
        for _ in range(ncodes):
            text, enc = payload(rng)
            codes.append(qr_matrix(text, enc, rng))
            texts.append(text)
    # Module size in the final photo: 2–8 px, biased toward small (the hard cases).
    mod_target = min(8.0, 2.0 + rng.expovariate(1 / 1.8)) * max(w, h) / 4000
    mod_target = max(mod_target, 2.0)
    ph = int(h * rng.uniform(0.55, 0.92))
    pw = int(ph / 1.414)
    if codes:
        need = max(c.shape[0] for c in codes) * mod_target / 0.30
        if need > pw:  # page grows (the certificate fills more of the frame)
            pw = int(need)
            ph = int(pw * 1.414)
    page = render_page(rng, pw, ph, [(c, mod_target) for c in codes])
    # Place the page: rotation and perspective jitter of its corners.
    ang = math.radians(rng.uniform(-25, 25) + (180 if rng.random() < 0.15 else 0))
    scale = min(1.0, 0.95 * min(w, h) / max(ph, pw) * (1.0 if max(ph, pw) > min(w, h) else 10))
    cx, cy = w / 2 + rng.uniform(-0.1, 0.1) * w, h / 2 + rng.uniform(-0.08, 0.08) * h
    corners = []
    for (px, py) in [(0, 0), (pw, 0), (pw, ph), (0, ph)]:
        dx, dy = (px - pw / 2) * scale, (py - ph / 2) * scale
        jx, jy = rng.uniform(-0.06, 0.06) * pw * scale, rng.uniform(-0.06, 0.06) * ph * scale
        corners.append((cx + dx * math.cos(ang) - dy * math.sin(ang) + jx,
                        cy + dx * math.sin(ang) + dy * math.cos(ang) + jy))
    coeffs = perspective_coeffs(corners, [(0, 0), (pw, 0), (pw, ph), (0, ph)])
    warped = page.transform((w, h), Image.PERSPECTIVE, coeffs, Image.BILINEAR, fillcolor=0)
    mask = Image.new("L", (pw, ph), 255).transform((w, h), Image.PERSPECTIVE, coeffs, Image.BILINEAR, fillcolor=0)
    bg = desk(rng, w, h)
    m = np.asarray(mask, dtype=np.float32)[:, :, None] / 255.0
    pg = np.asarray(warped, dtype=np.float32)[:, :, None] * np.array([1.0, 0.99, 0.96], dtype=np.float32)
    img = bg * (1 - m) + pg * m
    # Uneven light: a linear gradient plus a soft shadow (a hand, the phone).
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    ga = rng.uniform(0, 2 * math.pi)
    grad = ((xx / w - 0.5) * math.cos(ga) + (yy / h - 0.5) * math.sin(ga))
    light = 1.0 - rng.uniform(0.1, 0.45) * (grad + 0.5)
    if rng.random() < 0.5:
        sx, sy, sr = rng.uniform(0, w), rng.uniform(0, h), rng.uniform(0.15, 0.4) * w
        light *= 1.0 - rng.uniform(0.15, 0.4) * np.exp(-(((xx - sx) ** 2 + (yy - sy) ** 2) / (2 * sr * sr)))
    img = img * light[:, :, None]
    del xx, yy, grad, light
    out = Image.fromarray(np.clip(img, 0, 255).astype(np.uint8), "RGB")
    blur = rng.random()
    if blur < 0.35:
        out = out.filter(ImageFilter.GaussianBlur(rng.uniform(0.4, 1.3) * max(w, h) / 4000))
    elif blur < 0.55:
        k = [0.0] * 25
        direction = rng.choice([(2, 0, 1), (0, 2, 5), (0, 0, 6), (0, 4, 4)])  # row/col/diag lines in 5x5
        start, _, step = direction
        for i in range(5):
            k[min(24, start + i * step)] = 1.0
        out = out.filter(ImageFilter.Kernel((5, 5), k, scale=sum(k)))
    arr = np.asarray(out, dtype=np.float32)
    arr = arr + np.random.default_rng(rng.randint(0, 2**31)).normal(0, rng.uniform(1.5, 7), arr.shape).astype(np.float32)
    out = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "RGB")
    return out, texts


def exif_bytes(rng, orientation):
    lat, lon = rng.uniform(22.5, 40.0), rng.uniform(104.0, 121.5)

    def dms(v):
        d = int(v)
        mnt = int((v - d) * 60)
        s = round(((v - d) * 60 - mnt) * 60 * 100)
        return ((d, 1), (mnt, 1), (s, 100))
    dt = f"2025:{rng.randint(1, 12):02d}:{rng.randint(1, 28):02d} {rng.randint(8, 18):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}"
    return piexif.dump({
        "0th": {piexif.ImageIFD.Make: b"Xiaomi", piexif.ImageIFD.Model: b"Redmi Note 12", piexif.ImageIFD.Orientation: orientation},
        "Exif": {piexif.ExifIFD.DateTimeOriginal: dt.encode(), piexif.ExifIFD.OffsetTimeOriginal: b"+08:00"},
        "GPS": {piexif.GPSIFD.GPSLatitudeRef: b"N", piexif.GPSIFD.GPSLatitude: dms(lat),
                piexif.GPSIFD.GPSLongitudeRef: b"E", piexif.GPSIFD.GPSLongitude: dms(lon)},
    })


# --- --profile bands: the small- and blurred-code benchmark corpus -----------------------

# Frame sizes (megapixels band: 12, 8, 5, 3, 2).
BAND_FRAMES = [(4000, 3000), (3264, 2448), (2592, 1944), (2048, 1536), (1600, 1200)]
BAND_FRAME_WEIGHTS = [35, 15, 15, 15, 20]


def banded_payload(rng):
    """(kind, text), always UTF-8 or ASCII: charset is not what this corpus measures."""
    name = rng.choice(SURNAMES) + rng.choice(GIVEN)
    place, area = rng.choice(PLACES)
    pid = id_number(rng, area)
    emp = rng.choice(EMPLOYERS)
    months = rng.randint(1, 36)
    kind = rng.choice(["si-text", "url", "json", "short"])
    if kind == "si-text":
        text = (f"姓名：{name}\n公民身份号码：{pid}\n参保地：{place}\n缴费月数：{months}\n"
                f"单位名称：{emp}\n打印日期：2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}")
    elif kind == "url":
        token = "".join(rng.choice("0123456789abcdef") for _ in range(rng.choice([16, 32])))
        text = (f"https://si.example.gov.cn/verify?cert={rng.randint(10**11, 10**12 - 1)}"
                f"&area={area}&sign={token}")
    elif kind == "json":
        text = json.dumps({"name": name, "id": pid, "place": place, "months": months,
                           "serial": f"SI{rng.randint(10**9, 10**10 - 1)}"},
                          ensure_ascii=False, separators=(",", ":"))
    else:
        text = f"SI-{area}-{rng.randint(10**7, 10**8 - 1)}"
    return kind, text


def banded_page(rng, pw, ph, code, cx, cy, quiet):
    """A certificate page (title, table, footer, stamp ring) with `code` (an L image) at
    (cx, cy) inside a white quiet zone of `quiet` px."""
    page = Image.new("L", (pw, ph), rng.randint(232, 252))
    d = ImageDraw.Draw(page)
    ink = rng.randint(10, 50)
    d.text((pw // 2, int(ph * 0.07)), t("社会保险参保缴费证明", "SOCIAL INSURANCE CERTIFICATE"),
           fill=ink, font=font(max(8, pw // 18)), anchor="mm")
    f = font(max(6, pw // 45))
    x0, x1 = int(pw * 0.08), int(pw * 0.92)
    y = int(ph * 0.13)
    rows = rng.randint(8, 14)
    rh = int(ph * 0.035)
    labels = ["姓名", "公民身份号码", "参保险种", "参保地", "缴费起止", "缴费月数", "单位名称", "缴费基数"]
    lw = max(1, pw // 600)
    for r in range(rows + 1):
        d.line([(x0, y + r * rh), (x1, y + r * rh)], fill=ink, width=lw)
        if r < rows:
            d.text((x0 + 6, y + r * rh + rh // 5), t(labels[r % len(labels)], f"field {r}"), fill=ink, font=f)
            d.text((x0 + (x1 - x0) // 3, y + r * rh + rh // 5),
                   t(rng.choice(PLACES)[0], "x" * rng.randint(4, 14)), fill=ink, font=f)
    for xx in (x0, x0 + (x1 - x0) // 3 - 4, x1):
        d.line([(xx, y), (xx, y + rows * rh)], fill=ink, width=lw)
    d.text((x0, int(ph * 0.93)), t("本证明可通过扫描二维码验证真伪", "scan the QR code to verify"), fill=ink, font=f)
    sx, sy, rr = int(pw * rng.uniform(0.55, 0.8)), int(ph * rng.uniform(0.7, 0.85)), pw // 9
    d.ellipse([sx - rr, sy - rr, sx + rr, sy + rr], outline=rng.randint(90, 140), width=max(2, pw // 150))
    side = code.size[0]
    d.rectangle([cx - quiet, cy - quiet, cx + side + quiet, cy + side + quiet], fill=250)
    page.paste(code, (cx, cy))
    return page


def banded_photo(rng):
    """One photo of the bands corpus → (jpeg, texts, attrs). The draw order is fixed; a
    change here changes every photo of the corpus (record it in docs/benchmarks.md)."""
    w, h = rng.choices(BAND_FRAMES, weights=BAND_FRAME_WEIGHTS)[0]
    negative = rng.random() < 0.08
    mod = camera.draw_module_px(rng)
    if negative:
        kind, text = "none", None
        m = camera.fake_qr(rng) if rng.random() < 0.6 else None
    else:
        kind, text = banded_payload(rng)
        m = camera.qr_matrix(text.encode("utf-8"), rng)
    n = m.shape[0] if m is not None else 33
    code_px = max(n, int(round(n * mod)))
    code = Image.fromarray(camera.code_image(m, mod, dark=rng.randint(10, 50))) if m is not None \
        else Image.new("L", (code_px, code_px), 250)
    quiet = int(4 * mod) + 1
    # The code is 8-30 % of the page width, as printed (more when the frame cannot hold
    # a larger page): small modules mean a page far from the phone.
    pw = int(min(code_px / rng.uniform(0.08, 0.3), 0.7 * max(w, h)))
    pw = max(pw, int(code_px * 1.3) + 2 * quiet)
    ph = int(pw * 1.414)
    slot = rng.choice(["bottom-left", "bottom-right", "top-right"])
    cx = quiet + int(pw * 0.05) if slot == "bottom-left" else pw - code_px - quiet - int(pw * 0.05)
    cy = int(ph * 0.04) + quiet if slot == "top-right" else ph - code_px - quiet - int(ph * 0.1)
    cy = max(quiet, cy)
    page = banded_page(rng, pw, ph, code, cx, cy, quiet)
    angle = rng.uniform(-30, 30) + (180 if rng.random() < 0.15 else 0)
    focus = (cx + code_px / 2, cy + code_px / 2)
    for _ in range(20):
        H = camera.page_to_photo(rng, pw, ph, w, h, angle, focus)
        measured, corners = camera.measured_module_px(H, cx, cy, code_px, n)
        if camera.inside(corners, w, h, 4 * measured + 4):
            break
    warped = cv2.warpPerspective(np.asarray(page), H, (w, h), flags=cv2.INTER_LINEAR, borderValue=0)
    mask = cv2.warpPerspective(np.full((ph, pw), 255, np.uint8), H, (w, h), flags=cv2.INTER_LINEAR, borderValue=0)
    bg = desk(rng, w, h)
    a = mask.astype(np.float32)[:, :, None] / 255.0
    img = bg * (1 - a) + warped.astype(np.float32)[:, :, None] * np.float32([1.0, 0.99, 0.96]) * a
    # Light: a gradient across the frame and, half the time, a soft shadow.
    yy, xx = np.mgrid[0:h:8, 0:w:8].astype(np.float32)
    ga = rng.uniform(0, 2 * math.pi)
    light = 1.0 - rng.uniform(0.1, 0.45) * ((xx / w - 0.5) * math.cos(ga) + (yy / h - 0.5) * math.sin(ga) + 0.5)
    if rng.random() < 0.5:
        sx, sy, sr = rng.uniform(0, w), rng.uniform(0, h), rng.uniform(0.15, 0.4) * w
        light *= 1.0 - rng.uniform(0.15, 0.4) * np.exp(-(((xx - sx) ** 2 + (yy - sy) ** 2) / (2 * sr * sr)))
    light = cv2.resize(light, (w, h), interpolation=cv2.INTER_LINEAR)
    img *= light[:, :, None]
    img, blur = camera.optics(img, rng)
    img = camera.sharpen(img, rng.uniform(0, 0.6))
    img += np.random.default_rng(rng.randint(0, 2**31)).normal(0, rng.uniform(1.5, 6), img.shape).astype(np.float32)
    out = Image.fromarray(np.clip(img, 0, 255).astype(np.uint8), "RGB")
    jpeg, orientation = camera.to_jpeg(out, rng, rng.randint(70, 95))
    attrs = {"module_px": round(measured, 3) if text else None, "megapixels": round(w * h / 1e6, 1),
             **blur, "payload": kind, "modules": n if text else None, "orientation": orientation,
             "negative": "fake-qr" if negative and m is not None else ("page" if negative else None),
             "quad": [[round(a), round(b)] for a, b in corners]}
    return jpeg, [text] if text else [], attrs


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--count", type=int, default=20)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--sizes", choices=["mixed", "12mp", "small"], default="mixed")
    ap.add_argument("--profile", choices=["legacy", "bands"], default="legacy",
                    help="bands: the small/blurred-code corpus (module 1.2-8 px, measured blur, "
                         "bands.json; --sizes and --negatives do not apply)")
    ap.add_argument("--jobs", type=int, default=1, help="processes (bands profile)")
    ap.add_argument("--negatives", type=float, default=0.05, help="share of photos without a QR code")
    ap.add_argument("--prefix", default="cert")
    ap.add_argument("--start", type=int, default=0,
                    help="first index to render (photo i depends only on seed and i, so a larger corpus "
                         "can extend a smaller one: --start 60 --count 200)")
    args = ap.parse_args()
    if args.profile == "bands":
        corpus.write_corpus(args.out, banded_photo, args.seed, args.count, args.start, args.prefix, args.jobs)
        return
    os.makedirs(args.out, exist_ok=True)
    truth_path = os.path.join(args.out, "truth.json")
    truth = {}
    if os.path.exists(truth_path):
        with open(truth_path, encoding="utf-8") as fh:
            truth = json.load(fh)
    for i in range(args.start, args.count):
        rng = random.Random(f"{args.seed}:{i}")
        if args.sizes == "12mp":
            w, h = 4000, 3000
        elif args.sizes == "small":
            w, h = rng.choice([(1600, 1200), (2000, 1500), (1280, 960)])
        else:
            w, h = rng.choices([(4000, 3000), (2000, 1500), (1600, 1200), (3000, 2250)], weights=[70, 12, 10, 8])[0]
        negative = rng.random() < args.negatives
        photo, texts = make_photo(rng, w, h, negative)
        orientation = 1
        r = rng.random()
        if r < 0.12:
            # Held in portrait: the sensor's pixels are stored rotated, EXIF says how to turn them.
            orientation = 6
            photo = photo.transpose(Image.ROTATE_90)
        elif r < 0.2:
            orientation = 8
            photo = photo.transpose(Image.ROTATE_270)
        name = f"{args.prefix}_{i:04d}.jpg"
        buf = io.BytesIO()
        photo.save(buf, "JPEG", quality=rng.randint(60, 95), exif=exif_bytes(rng, orientation))
        with open(os.path.join(args.out, name), "wb") as fh:
            fh.write(buf.getvalue())
        truth[name] = sorted(texts)
        print(name, w, h, "o=%d" % orientation, len(texts), flush=True)
    with open(truth_path, "w", encoding="utf-8") as fh:
        json.dump(truth, fh, ensure_ascii=False, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
