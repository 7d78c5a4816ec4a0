#!/usr/bin/env python3
"""The second QR benchmark corpus, made unlike certgen.py's so that a pipeline tuned to one
generator shows it: other page layouts and fonts, other lighting and noise, and half the
photos taken of a screen showing the certificate.

    python3 tools/certgen/screen.py --out DIR --count N --seed S [--jobs 2]

Writes DIR/screen_NNNN.jpg, DIR/truth.json and DIR/bands.json (see corpus.py), with the
same band attributes as certgen.py --profile bands (module_px, megapixels, blur, blur_px,
payload) plus `surface` (paper or screen).

- paper: a landscape card-style certificate (dark header band with light text, a photo
  box, two columns of fields, a guilloche security background, the code on the right) in
  a Ming (serif) or Hei font other than certgen's; warm or cool white balance, vignetting,
  a hard-edged shadow, a specular hot spot; textured cloth instead of a smooth desk;
  signal-dependent (shot) noise with colour noise; JPEG 4:2:0, sometimes compressed twice
  (a messaging app).
- screen: a phone app or monitor page with the code, shown on an RGB stripe panel: every
  screen pixel is three coloured sub-pixels with a dark gap, sampled by the camera at
  0.45-1.6 photo px per screen pixel through a soft lens but no optical low-pass
  filter, hence moiré; the panel's
  gamma and brightness, a glare patch and a reflection gradient in linear light, then the
  camera's tone curve; a bezel and a dark surround.
"""
import argparse
import math
import os
import sys

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import camera  # noqa: E402
import certgen  # noqa: E402
import corpus  # noqa: E402

FRAMES = [(4032, 3024), (3840, 2160), (2560, 1920), (1920, 1080), (1280, 960)]
FRAME_WEIGHTS = [30, 15, 20, 20, 15]
FONTS = certgen.find_font(prefer=("uming", "ukai", "wqy-zenhei")), certgen.find_font(prefer=("ukai", "wqy-zenhei"))


def font(size, which=0):
    f = FONTS[which]
    return ImageFont.truetype(f, size) if f else ImageFont.load_default(size)


def guilloche(w, h, rng, tone):
    """Fine interfering sine lines, as on printed security paper."""
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    f1, f2 = rng.uniform(0.05, 0.12), rng.uniform(0.004, 0.01)
    a = np.sin(xx * f1 + 6 * np.sin(yy * f2 + rng.uniform(0, 6))) * np.sin(yy * f1 * 0.8 + 4 * np.sin(xx * f2))
    return (a > 0.85).astype(np.float32) * tone


def card_page(rng, code, quiet, max_w):
    """A landscape certificate card; the code sits on the right. Returns (page L image, x, y)."""
    side = code.size[0]
    pw = int(max(side * 1.4 + 2 * quiet, min(side / rng.uniform(0.1, 0.3), max_w)))
    ph = int(pw / rng.uniform(1.35, 1.6))
    ph = max(ph, side + 2 * quiet + int(0.25 * ph))
    bg = rng.randint(225, 245)
    arr = np.full((ph, pw), bg, np.float32) - guilloche(pw, ph, rng, rng.uniform(10, 35))
    page = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    d = ImageDraw.Draw(page)
    ink = rng.randint(15, 60)
    hb = int(ph * 0.14)
    d.rectangle([0, 0, pw, hb], fill=rng.randint(40, 90))
    d.text((int(pw * 0.04), hb // 2), "参保缴费证明 · CERTIFICATE", fill=240, font=font(max(8, hb // 2), 1), anchor="lm")
    d.rectangle([int(pw * 0.04), int(ph * 0.22), int(pw * 0.2), int(ph * 0.62)], fill=rng.randint(150, 200))
    f = font(max(6, ph // 24))
    y = int(ph * 0.22)
    for label in ["姓 名", "证件号码", "参保单位", "参保险种", "缴费年月", "经办机构"]:
        d.text((int(pw * 0.24), y), label, fill=ink, font=f)
        d.text((int(pw * 0.38), y), rng.choice(certgen.PLACES)[0] + "·" * rng.randint(0, 6), fill=ink, font=f)
        y += int(ph * 0.09)
    d.text((int(pw * 0.04), int(ph * 0.9)), "核验：扫描右侧二维码", fill=ink, font=f)
    x = pw - side - quiet - int(pw * 0.04)
    y = int(ph * rng.uniform(0.2, 0.95)) - side - quiet
    y = min(max(hb + quiet + 2, y), ph - side - quiet)
    d.rectangle([x - quiet, y - quiet, x + side + quiet, y + side + quiet], fill=250)
    page.paste(code, (x, y))
    return page, x, y


def cloth(rng, w, h):
    nrng = np.random.default_rng(rng.randint(0, 2**31))
    base = np.float32([rng.randint(60, 200), rng.randint(60, 200), rng.randint(60, 200)])
    coarse = cv2.resize(nrng.normal(0, 1, (h // 16 + 1, w // 16 + 1)).astype(np.float32), (w, h))
    fine = nrng.normal(0, 1, (h, w)).astype(np.float32)
    weave = np.sin(np.arange(w, dtype=np.float32) * rng.uniform(0.5, 1.5))[None, :] * 0.3
    t = 0.15 * coarse + 0.08 * fine + 0.05 * weave
    return np.clip(base[None, None, :] * (1 + t[:, :, None]), 0, 255)


def paper_photo(rng, w, h, m, mod, negative):
    n = m.shape[0] if m is not None else 29
    code = Image.fromarray(camera.code_image(m, mod, dark=rng.randint(20, 60))) if m is not None \
        else Image.new("L", (max(n, int(n * mod)),) * 2, 250)
    quiet = int(4 * mod) + 1
    page, cx, cy = card_page(rng, code, quiet, 0.8 * max(w, h))
    pw, ph = page.size
    side = code.size[0]
    angle = rng.uniform(-40, 40) + (180 if rng.random() < 0.1 else 0)
    for _ in range(20):
        H = camera.page_to_photo(rng, pw, ph, w, h, angle, (cx + side / 2, cy + side / 2), jitter=0.09)
        measured, corners = camera.measured_module_px(H, cx, cy, side, n)
        if camera.inside(corners, w, h, 4 * measured + 4):
            break
    warped = cv2.warpPerspective(np.asarray(page), H, (w, h), flags=cv2.INTER_LINEAR, borderValue=0)
    mask = cv2.warpPerspective(np.full((ph, pw), 255, np.uint8), H, (w, h), flags=cv2.INTER_LINEAR, borderValue=0)
    a = mask.astype(np.float32)[:, :, None] / 255.0
    img = cloth(rng, w, h) * (1 - a) + warped.astype(np.float32)[:, :, None] * a
    # White balance, vignetting, a hard-edged shadow, a hot spot.
    img *= np.float32([rng.uniform(0.85, 1.1), 1.0, rng.uniform(0.8, 1.15)])
    ys, xs = np.mgrid[0:h:8, 0:w:8].astype(np.float32)
    r2 = ((xs - w / 2) / (w / 2)) ** 2 + ((ys - h / 2) / (h / 2)) ** 2
    light = 1 - rng.uniform(0.1, 0.4) * r2 / 2
    if rng.random() < 0.5:
        ang = rng.uniform(0, 2 * math.pi)
        dist = (xs - w / 2) * math.cos(ang) + (ys - h / 2) * math.sin(ang) - rng.uniform(-0.3, 0.3) * w
        light *= 1 - rng.uniform(0.2, 0.5) * (1 / (1 + np.exp(np.clip(-dist / rng.uniform(3, 30), -50, 50))))
    light = cv2.resize(light, (w, h))
    img *= light[:, :, None]
    if rng.random() < 0.4:
        hx, hy, hr = rng.uniform(0, w), rng.uniform(0, h), rng.uniform(0.05, 0.2) * w
        ys, xs = np.mgrid[0:h:4, 0:w:4].astype(np.float32)
        spot = cv2.resize(np.exp(-((xs - hx) ** 2 + (ys - hy) ** 2) / (2 * hr * hr)), (w, h))
        img += rng.uniform(40, 120) * spot[:, :, None]
    img, blur = camera.optics(img, rng)
    # Shot noise (variance grows with the signal) and colour noise.
    nrng = np.random.default_rng(rng.randint(0, 2**31))
    k = rng.uniform(0.2, 0.9)
    img += nrng.normal(0, 1, img.shape).astype(np.float32) * np.sqrt(np.maximum(img, 1) * k)
    out = Image.fromarray(np.clip(img, 0, 255).astype(np.uint8), "RGB")
    return out, measured, blur, {"surface": "paper", "quad": [[round(a), round(b)] for a, b in corners]}


def app_screen(rng, code_k, k, quiet_k):
    """The screen's content at screen resolution (RGB uint8): a phone app or a web page,
    the code drawn with k screen px per module. Returns (image, x, y, side)."""
    side = code_k.shape[0] * k
    portrait = rng.random() < 0.6
    sw = int(max(side + 2 * quiet_k * k, side / rng.uniform(0.3, 0.7)))
    sh = int(sw * (rng.uniform(1.8, 2.2) if portrait else rng.uniform(0.56, 0.75)))
    sh = max(sh, side + 2 * quiet_k * k + 40)
    light = rng.random() < 0.85
    bgc = (245, 246, 248) if light else (30, 30, 34)
    img = Image.new("RGB", (sw, sh), bgc)
    d = ImageDraw.Draw(img)
    bar = tuple(rng.randint(0, 200) for _ in range(3))
    d.rectangle([0, 0, sw, max(12, sh // 14)], fill=bar)
    d.text((sw // 2, max(12, sh // 14) // 2), "电子社保卡", fill=(255, 255, 255), font=font(max(8, sh // 30), 1), anchor="mm")
    x = (sw - side) // 2
    y = int((sh - side) * rng.uniform(0.3, 0.6))
    pad = quiet_k * k
    d.rounded_rectangle([x - pad - 6, y - pad - 6, x + side + pad + 6, y + side + pad + 6], radius=8, fill=(255, 255, 255))
    qr = np.where(code_k, 0, 255).astype(np.uint8).repeat(k, 0).repeat(k, 1)
    img.paste(Image.fromarray(qr).convert("RGB"), (x, y))
    f = font(max(8, sh // 40))
    tc = (60, 60, 60) if light else (200, 200, 200)
    d.text((sw // 2, min(sh - 10, y + side + pad + 20)), "请出示此码供核验", fill=tc, font=f, anchor="mm")
    return np.asarray(img), x, y, side


def stripes(rgb, gap):
    """Each screen pixel → 3×3 sub-pixels: R, G, B columns, the bottom row dimmed (the
    black matrix between rows)."""
    h, w, _ = rgb.shape
    out = np.zeros((h * 3, w * 3, 3), np.uint8)
    for c in range(3):
        out[:, c::3, c] = rgb[:, :, c].repeat(3, 0)
    out[2::3] = (out[2::3].astype(np.float32) * (1 - gap)).astype(np.uint8)
    return out


def screen_photo(rng, w, h, m, mod, negative):
    # Screen pixels per module k and photo px per screen pixel p = mod / k, p in 0.45-1.6.
    ks = [k for k in (1, 2, 3, 4) if 0.45 <= mod / k <= 1.6] or [1]
    k = rng.choice(ks)
    pitch = mod / k
    code_k = m if m is not None else np.zeros((29, 29), bool)
    content, x, y, side = app_screen(rng, code_k, k, 4)
    sub = stripes(content, rng.uniform(0.1, 0.3))
    sh, sw = sub.shape[:2]
    # Homography from sub-pixel coordinates (3 per screen px) to the photo.
    s = pitch / 3
    angle = rng.uniform(-35, 35)
    n = code_k.shape[0]
    for _ in range(20):
        H = camera.page_to_photo(rng, sw, sh, w, h, angle, (3 * (x + side / 2), 3 * (y + side / 2)), jitter=0.05)
        # page_to_photo keeps page scale; shrink about the focus point by s.
        fx, fy = camera.apply(H, [(3 * (x + side / 2), 3 * (y + side / 2))])[0]
        S = np.array([[s, 0, fx * (1 - s)], [0, s, fy * (1 - s)], [0, 0, 1]], dtype=np.float64)
        Hs = S @ H
        measured, corners = camera.measured_module_px(Hs, 3 * x, 3 * y, 3 * side, n)
        if camera.inside(corners, w, h, 4 * measured + 4):
            break
    # Panel light is linear: gamma-decode the content, scale by brightness.
    lin = (sub.astype(np.float32) / 255.0) ** 2.2 * rng.uniform(0.6, 1.2)
    # The lens's own softness (0.3-0.5 photo px) before the sensor samples: it damps the
    # sub-pixel pattern without removing the moiré.
    lin = cv2.GaussianBlur(lin, (0, 0), rng.uniform(0.3, 0.5) * 3 / pitch)
    warped = cv2.warpPerspective(lin, Hs, (w, h), flags=cv2.INTER_LINEAR, borderValue=(0, 0, 0))
    # Bezel and surround: the panel's quad grown by a margin, dark; the rest a dim room.
    quad = np.float32(camera.apply(Hs, [(0, 0), (sw, 0), (sw, sh), (0, sh)]))
    c = quad.mean(0)
    bezel = (c + (quad - c) * rng.uniform(1.04, 1.12)).astype(np.int32)
    room = cloth(rng, w, h) / 255.0 * rng.uniform(0.05, 0.3)
    img = room.copy()
    cv2.fillConvexPoly(img, bezel, (0.01, 0.01, 0.012))
    cv2.fillConvexPoly(img, quad.astype(np.int32), (0, 0, 0))
    img += warped
    # Glare (a soft bright patch) and a reflection gradient, in linear light.
    ys, xs = np.mgrid[0:h:4, 0:w:4].astype(np.float32)
    gx, gy = c[0] + rng.uniform(-0.3, 0.3) * w, c[1] + rng.uniform(-0.3, 0.3) * h
    gr = rng.uniform(0.05, 0.25) * w
    glare = np.exp(-((xs - gx) ** 2 + (ys - gy) ** 2) / (2 * gr * gr)) * rng.uniform(0.03, 0.35)
    ga = rng.uniform(0, 2 * math.pi)
    glare += rng.uniform(0, 0.08) * (0.5 + 0.5 * np.cos(((xs / w) * math.cos(ga) + (ys / h) * math.sin(ga)) * 3))
    img += cv2.resize(glare.astype(np.float32), (w, h))[:, :, None]
    img, blur = camera.optics(img, rng)
    nrng = np.random.default_rng(rng.randint(0, 2**31))
    img += nrng.normal(0, 1, img.shape).astype(np.float32) * np.sqrt(np.maximum(img, 1e-4) * rng.uniform(1e-4, 6e-4))
    # Camera tone curve: exposure, gamma encode, a mild S-curve.
    img = np.clip(img * rng.uniform(0.9, 1.4), 0, 1) ** (1 / rng.uniform(1.8, 2.6))
    img = img + rng.uniform(0, 0.15) * (img - 0.5) * (1 - np.abs(2 * img - 1))
    out = Image.fromarray(np.clip(img * 255, 0, 255).astype(np.uint8), "RGB")
    return out, measured, blur, {"surface": "screen", "screen_px": round(pitch, 3),
                                  "quad": [[round(a), round(b)] for a, b in corners]}


def photo(rng):
    """One photo → (jpeg, texts, attrs); the draw order is fixed (see certgen.banded_photo)."""
    w, h = rng.choices(FRAMES, weights=FRAME_WEIGHTS)[0]
    negative = rng.random() < 0.08
    mod = camera.draw_module_px(rng)
    if negative:
        kind, text = "none", None
        m = camera.fake_qr(rng) if rng.random() < 0.6 else None
    else:
        kind, text = certgen.banded_payload(rng)
        m = camera.qr_matrix(text.encode("utf-8"), rng)
    make = screen_photo if rng.random() < 0.5 else paper_photo
    img, measured, blur, extra = make(rng, w, h, m, mod, negative)
    quality = rng.randint(55, 92)
    if rng.random() < 0.3:  # a messaging app compressed it once more
        import io
        buf = io.BytesIO()
        img.save(buf, "JPEG", quality=rng.randint(80, 95))
        img = Image.open(io.BytesIO(buf.getvalue())).convert("RGB")
    jpeg, orientation = camera.to_jpeg(img, rng, quality, make=b"HUAWEI", model=b"P40", subsampling=2)
    attrs = {"module_px": round(measured, 3) if text else None, "megapixels": round(w * h / 1e6, 1),
             **blur, "payload": kind, "modules": m.shape[0] if text else None, "orientation": orientation,
             "negative": "fake-qr" if negative and m is not None else ("page" if negative else None), **extra}
    return jpeg, [text] if text else [], attrs


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--count", type=int, default=20)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--start", type=int, default=0)
    ap.add_argument("--prefix", default="screen")
    ap.add_argument("--jobs", type=int, default=1)
    args = ap.parse_args()
    corpus.write_corpus(args.out, photo, args.seed, args.count, args.start, args.prefix, args.jobs)


if __name__ == "__main__":
    main()
