"""What a phone camera does to a scene, shared by certgen.py (--profile bands) and screen.py:
the page → photo homography and the module size it gives, optical blur at a recorded
strength (Gaussian, defocus disc, motion line), sensor noise, JPEG with EXIF.

Every function takes the photo's own random.Random, so photo i depends only on seed and i.
Blur strengths are in photo pixels (after the page is warped into the frame), so the
recorded figure is what a decoder sees.
"""
import io
import math

import cv2
import numpy as np
import piexif
import qrcode

# Module sizes in photo pixels, the bands the benchmark reports (bench/qr.py uses the
# same edges); the draw is uniform inside a band, the band drawn with these weights.
MODULE_BANDS = [(1.2, 1.6), (1.6, 2.0), (2.0, 3.0), (3.0, 5.0), (5.0, 8.0)]
MODULE_WEIGHTS = [3, 3, 2, 1.5, 1.5]

# Blur kinds and their strength range in photo px: Gaussian sigma, defocus disc radius,
# motion streak length. bench/qr.py splits each range at its middle (light / strong).
BLURS = {"none": (0, 0), "gauss": (0.4, 1.6), "defocus": (0.8, 2.8), "motion": (1.5, 6.0)}
BLUR_WEIGHTS = {"none": 3, "gauss": 2.5, "defocus": 2, "motion": 2.5}


def draw_module_px(rng):
    lo, hi = rng.choices(MODULE_BANDS, weights=MODULE_WEIGHTS)[0]
    return rng.uniform(lo, hi)


def qr_matrix(data: bytes, rng, ec=None):
    """The code's modules without quiet zone (True = dark), byte mode, no ECI."""
    levels = [qrcode.constants.ERROR_CORRECT_L, qrcode.constants.ERROR_CORRECT_M,
              qrcode.constants.ERROR_CORRECT_M, qrcode.constants.ERROR_CORRECT_Q]
    q = qrcode.QRCode(error_correction=ec if ec is not None else rng.choice(levels), border=0)
    q.add_data(data)
    q.make(fit=True)
    return np.array(q.get_matrix(), dtype=bool)


def fake_qr(rng, n=None):
    """A hard negative: finder patterns, timing rows and random modules, so a detector
    locates it and no decoder may read it (the format and data are noise)."""
    n = n or rng.choice([25, 29, 33, 37, 41, 45, 53])
    nrng = np.random.default_rng(rng.randint(0, 2**31))
    m = nrng.random((n, n)) < 0.5
    for (y, x) in [(0, 0), (0, n - 7), (n - 7, 0)]:
        m[y:y + 7, x:x + 7] = True
        m[y + 1:y + 6, x + 1:x + 6] = False
        m[y + 2:y + 5, x + 2:x + 5] = True
    m[7, :8] = m[:8, 7] = False
    m[7, n - 8:] = m[:8, n - 8] = False
    m[n - 8, :8] = m[n - 8:, 7] = False
    m[6, 8:n - 8] = (np.arange(8, n - 8) % 2) == 0
    m[8:n - 8, 6] = (np.arange(8, n - 8) % 2) == 0
    return m


def code_image(m, module_px, dark=20, light=250, super_px=8):
    """The code at a fractional module size, area-resampled from an 8 px/module rendering
    (what a sensor integrates), not nearest-neighbour (which would give 1- and 2-px
    modules side by side at 1.5 px)."""
    n = m.shape[0]
    big = np.where(m, dark, light).astype(np.uint8).repeat(super_px, 0).repeat(super_px, 1)
    size = max(n, int(round(n * module_px)))
    return cv2.resize(big, (size, size), interpolation=cv2.INTER_AREA)


def page_to_photo(rng, pw, ph, w, h, angle_deg, focus, jitter=0.06):
    """Homography (page px → photo px): the page rotated by angle_deg about its centre,
    corners jittered (perspective), translated so that page point `focus` lands at a
    random point in the central part of the frame."""
    ang = math.radians(angle_deg)
    ca, sa = math.cos(ang), math.sin(ang)
    corners = []
    for (px, py) in [(0, 0), (pw, 0), (pw, ph), (0, ph)]:
        dx, dy = px - pw / 2, py - ph / 2
        jx, jy = rng.uniform(-jitter, jitter) * pw, rng.uniform(-jitter, jitter) * ph
        corners.append((dx * ca - dy * sa + jx, dx * sa + dy * ca + jy))
    src = np.float32([(0, 0), (pw, 0), (pw, ph), (0, ph)])
    H = cv2.getPerspectiveTransform(src, np.float32(corners))
    fx, fy = apply(H, [focus])[0]
    tx, ty = rng.uniform(0.25, 0.75) * w - fx, rng.uniform(0.25, 0.75) * h - fy
    T = np.array([[1, 0, tx], [0, 1, ty], [0, 0, 1]], dtype=np.float64)
    return T @ H


def apply(H, pts):
    p = cv2.perspectiveTransform(np.float64(pts).reshape(-1, 1, 2), H)
    return [tuple(map(float, q)) for q in p.reshape(-1, 2)]


def measured_module_px(H, x, y, side, n):
    """Mean module pitch in the photo: the code's four sides as warped, over n modules."""
    c = apply(H, [(x, y), (x + side, y), (x + side, y + side), (x, y + side)])
    sides = [math.dist(c[i], c[(i + 1) % 4]) for i in range(4)]
    return sum(sides) / 4 / n, c


def inside(corners, w, h, margin):
    return all(margin <= x <= w - margin and margin <= y <= h - margin for x, y in corners)


def disc_kernel(radius):
    """A defocus point-spread function: a uniform disc, anti-aliased at its rim."""
    s = 8
    r = int(math.ceil(radius))
    c = (np.arange((2 * r + 1) * s, dtype=np.float32) + 0.5) / s - (r + 0.5)
    disc = (c[None, :] ** 2 + c[:, None] ** 2 <= radius * radius).astype(np.float32)
    k = cv2.resize(disc, (2 * r + 1, 2 * r + 1), interpolation=cv2.INTER_AREA)
    return k / k.sum()


def motion_kernel(length, angle_deg):
    """A straight motion streak of `length` px at `angle_deg`, anti-aliased."""
    s = 8
    r = int(math.ceil(length / 2)) + 1
    size = (2 * r + 1) * s
    canvas = np.zeros((size, size), np.float32)
    c = size / 2
    dx, dy = math.cos(math.radians(angle_deg)) * length * s / 2, math.sin(math.radians(angle_deg)) * length * s / 2
    cv2.line(canvas, (int(c - dx), int(c - dy)), (int(c + dx), int(c + dy)), 1.0, thickness=s // 2, lineType=cv2.LINE_AA)
    k = cv2.resize(canvas, (2 * r + 1, 2 * r + 1), interpolation=cv2.INTER_AREA)
    return k / k.sum()


def optics(arr, rng, kinds=None):
    """Blurs a float32 H×W×C photo; returns (photo, {"blur": kind, "blur_px": strength})."""
    kinds = kinds or BLUR_WEIGHTS
    kind = rng.choices(list(kinds), weights=list(kinds.values()))[0]
    lo, hi = BLURS[kind]
    v = rng.uniform(lo, hi) if hi else 0.0
    if kind == "gauss":
        arr = cv2.GaussianBlur(arr, (0, 0), v)
    elif kind == "defocus":
        arr = cv2.filter2D(arr, -1, disc_kernel(v), borderType=cv2.BORDER_REFLECT)
    elif kind == "motion":
        arr = cv2.filter2D(arr, -1, motion_kernel(v, rng.uniform(0, 180)), borderType=cv2.BORDER_REFLECT)
    return arr, {"blur": kind, "blur_px": round(v, 3)}


def sharpen(arr, amount, sigma=1.0):
    """A phone ISP's unsharp mask."""
    if amount <= 0:
        return arr
    return cv2.addWeighted(arr, 1 + amount, cv2.GaussianBlur(arr, (0, 0), sigma), -amount, 0)


def exif_bytes(rng, orientation, make=b"Xiaomi", model=b"Redmi Note 12"):
    lat, lon = rng.uniform(22.5, 40.0), rng.uniform(104.0, 121.5)

    def dms(v):
        d = int(v)
        mnt = int((v - d) * 60)
        s = round(((v - d) * 60 - mnt) * 60 * 100)
        return ((d, 1), (mnt, 1), (s, 100))
    dt = (f"2025:{rng.randint(1, 12):02d}:{rng.randint(1, 28):02d} "
          f"{rng.randint(8, 18):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}")
    return piexif.dump({
        "0th": {piexif.ImageIFD.Make: make, piexif.ImageIFD.Model: model, piexif.ImageIFD.Orientation: orientation},
        "Exif": {piexif.ExifIFD.DateTimeOriginal: dt.encode(), piexif.ExifIFD.OffsetTimeOriginal: b"+08:00"},
        "GPS": {piexif.GPSIFD.GPSLatitudeRef: b"N", piexif.GPSIFD.GPSLatitude: dms(lat),
                piexif.GPSIFD.GPSLongitudeRef: b"E", piexif.GPSIFD.GPSLongitude: dms(lon)},
    })


def to_jpeg(img, rng, quality, make=b"Xiaomi", model=b"Redmi Note 12", subsampling=-1):
    """PIL RGB image → JPEG bytes, held in portrait 20 % of the time (pixels stored
    rotated, EXIF Orientation 6 or 8 says how to turn them)."""
    from PIL import Image
    orientation = 1
    r = rng.random()
    if r < 0.12:
        orientation = 6
        img = img.transpose(Image.ROTATE_90)
    elif r < 0.2:
        orientation = 8
        img = img.transpose(Image.ROTATE_270)
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=quality, subsampling=subsampling,
             exif=exif_bytes(rng, orientation, make, model))
    return buf.getvalue(), orientation
