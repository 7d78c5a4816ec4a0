#!/usr/bin/env python3
"""Renders the example folders' scene photos with real EXIF (GPS, DateTimeOriginal,
OffsetTimeOriginal, SubSec, Make/Model) the way a phone writes it.

The pictures are drawn, not photographed, but their EXIF is byte-for-byte what a phone
camera writes, so `hecha check` reads them like real evidence. Deterministic: the same
run gives the same bytes.

    pip install pillow piexif
    python3 tools/examples/make_photos.py
"""
import io
import math
import random
from fractions import Fraction
from pathlib import Path

import piexif
from PIL import Image, ImageDraw, ImageFilter, ImageFont

ROOT = Path(__file__).resolve().parents[2]
FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"

# The registered site (苏州工业园区), WGS-84 as a phone's GPS writes it.
SITE = (31.317800, 120.726500)


def rational(x, den=1000000):
    f = Fraction(x).limit_denominator(den)
    return (f.numerator, f.denominator)


def dms(deg):
    deg = abs(deg)
    d = int(deg)
    m_full = (deg - d) * 60
    m = int(m_full)
    s = (m_full - m) * 60
    return ((d, 1), (m, 1), (int(round(s * 10000)), 10000))


def exif_bytes(lat, lon, alt, when, subsec="120", offset="+08:00", software=None,
               make="Xiaomi", model="23127PN0CC", gps_delta_s=0):
    """EXIF as a phone writes it: local DateTimeOriginal + offset, GPS time in UTC."""
    date, time = when.split(" ")
    y, mo, d = (int(v) for v in date.split(":"))
    hh, mm, ss = (int(v) for v in time.split(":"))
    oh = int(offset[1:3]) * (1 if offset[0] == "+" else -1)
    # GPS time is UTC: local minus the offset (plus any simulated clock disagreement).
    total = hh * 3600 + mm * 60 + ss - oh * 3600 + gps_delta_s
    day_shift, total = divmod(total, 86400)
    gh, rem = divmod(total, 3600)
    gm, gs = divmod(rem, 60)
    import datetime as _dt
    gdate = _dt.date(y, mo, d) + _dt.timedelta(days=day_shift)
    zeroth = {piexif.ImageIFD.Make: make, piexif.ImageIFD.Model: model,
              piexif.ImageIFD.Orientation: 1}
    if software:
        zeroth[piexif.ImageIFD.Software] = software
    exif = {
        piexif.ExifIFD.DateTimeOriginal: when,
        piexif.ExifIFD.DateTimeDigitized: when,
        piexif.ExifIFD.SubSecTimeOriginal: subsec,
        piexif.ExifIFD.OffsetTimeOriginal: offset,
        piexif.ExifIFD.OffsetTime: offset,
    }
    gps = {
        piexif.GPSIFD.GPSVersionID: (2, 3, 0, 0),
        piexif.GPSIFD.GPSLatitudeRef: "N" if lat >= 0 else "S",
        piexif.GPSIFD.GPSLatitude: dms(lat),
        piexif.GPSIFD.GPSLongitudeRef: "E" if lon >= 0 else "W",
        piexif.GPSIFD.GPSLongitude: dms(lon),
        piexif.GPSIFD.GPSAltitudeRef: 0 if alt >= 0 else 1,
        piexif.GPSIFD.GPSAltitude: rational(abs(alt), 100),
        piexif.GPSIFD.GPSTimeStamp: ((gh, 1), (gm, 1), (gs, 1)),
        piexif.GPSIFD.GPSDateStamp: gdate.strftime("%Y:%m:%d"),
        piexif.GPSIFD.GPSMapDatum: "WGS-84",
    }
    return piexif.dump({"0th": zeroth, "Exif": exif, "GPS": gps, "1st": {}, "thumbnail": None})


def offset_m(lat, lon, north_m, east_m):
    """A point north_m / east_m metres from (lat, lon)."""
    dlat = north_m / 111320.0
    dlon = east_m / (111320.0 * math.cos(math.radians(lat)))
    return lat + dlat, lon + dlon


def scene(label, sub, seed, kind):
    """A plausible indoor scene: walls, floor, furniture or racks, a label plate."""
    rnd = random.Random(seed)
    w, h = 1280, 960
    img = Image.new("RGB", (w, h))
    px = ImageDraw.Draw(img)
    wall = (rnd.randint(200, 235), rnd.randint(200, 230), rnd.randint(190, 220))
    floor = (rnd.randint(120, 160), rnd.randint(110, 140), rnd.randint(90, 120))
    for y in range(h):
        t = y / h
        c = wall if t < 0.62 else floor
        shade = 1.0 - 0.25 * abs(t - 0.4)
        px.line([(0, y), (w, y)], fill=tuple(int(v * shade) for v in c))
    if kind == "rack":
        for i in range(3):
            x0 = 180 + i * 330
            px.rectangle([x0, 140, x0 + 260, 820], fill=(30, 32, 36), outline=(80, 80, 90), width=4)
            for u in range(18):
                y0 = 170 + u * 34
                px.rectangle([x0 + 20, y0, x0 + 240, y0 + 26], fill=(50 + rnd.randint(0, 30),) * 3)
                if rnd.random() < 0.6:
                    px.ellipse([x0 + 210, y0 + 8, x0 + 220, y0 + 18], fill=(40, 220, 90))
    elif kind == "office":
        for i in range(5):
            x0 = 80 + i * 240
            px.rectangle([x0, 560, x0 + 200, 640], fill=(200, 180, 150), outline=(90, 70, 50), width=3)
            px.rectangle([x0 + 50, 440, x0 + 150, 540], fill=(20, 20, 25), outline=(60, 60, 60), width=3)
            px.rectangle([x0 + 60, 450, x0 + 140, 530], fill=(60, 110, 170))
    elif kind == "device":
        px.rectangle([440, 260, 840, 860], fill=(235, 235, 235), outline=(60, 60, 60), width=6)
        px.rectangle([520, 320, 760, 420], fill=(30, 60, 40))
        px.text((540, 345), "ONLINE 100%", fill=(120, 255, 140), font=ImageFont.truetype(FONT, 30))
    elif kind == "screen":
        px.rectangle([200, 120, 1080, 700], fill=(15, 15, 20), outline=(80, 80, 80), width=10)
        px.rectangle([230, 150, 1050, 670], fill=(240, 244, 250))
        f = ImageFont.truetype(FONT, 28)
        for i in range(8):
            px.rectangle([250, 180 + i * 58, 1030, 226 + i * 58], outline=(180, 190, 210), width=2)
            px.text((262, 188 + i * 58), f"{sub} #{1000 + i * 7}", fill=(40, 50, 70), font=f)
    elif kind == "paper":
        px.polygon([(330, 120), (960, 150), (930, 900), (300, 870)], fill=(248, 246, 240))
        f = ImageFont.truetype(FONT, 26)
        for i in range(14):
            px.line([(360, 240 + i * 44), (900, 262 + i * 44)], fill=(150, 150, 150), width=2)
        px.text((420, 170), sub, fill=(20, 20, 20), font=ImageFont.truetype(FONT, 40))
    plate = ImageFont.truetype(FONT, 36)
    px.rectangle([30, 30, 30 + 40 * len(label) + 40, 90], fill=(255, 255, 255), outline=(30, 30, 30), width=2)
    px.text((50, 38), label, fill=(20, 20, 20), font=plate)
    img = img.filter(ImageFilter.GaussianBlur(0.8))
    noise = Image.effect_noise((w, h), 10).convert("RGB")
    return Image.blend(img, noise, 0.05)


def save(path, img, exif):
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=80, exif=exif)
    path.write_bytes(buf.getvalue())


# (file, label, subtitle, kind, metres north, metres east, local time, extra)
SUZHOU = [
    ("office-1.jpg", "办公区", "", "office", 12, -8, "2026:11:23 09:42:10", {}),
    ("office-2.jpg", "办公区全景", "", "office", -15, 20, "2026:11:23 09:44:31", {}),
    ("rack.jpg", "机柜", "", "rack", 5, 5, "2026:11:23 10:05:02", {}),
    ("ups.jpg", "UPS", "", "device", 6, 4, "2026:11:23 10:07:45", {}),
    ("extinguisher.jpg", "灭火器", "", "device", 4, 7, "2026:11:23 10:09:12", {}),
    ("access-log.jpg", "门禁记录", "门禁系统", "screen", 0, 9, "2026:11:23 10:12:40", {}),
    ("seats.jpg", "坐席区", "", "office", -10, -12, "2026:11:23 10:20:05", {}),
    ("caller-id.jpg", "主叫号码甄别", "来电甄别", "screen", -9, -11, "2026:11:23 11:30:18", {}),
    ("complaints.jpg", "投诉处理", "投诉工单", "screen", -9, -10, "2026:11:23 11:36:52", {}),
    ("lease.jpg", "租赁备案", "房屋租赁登记备案证明", "paper", 3, 2, "2026:11:23 09:55:00", {}),
    ("business-license.jpg", "营业执照", "营业执照", "paper", 3, 2, "2026:11:23 09:57:20", {}),
]

GAPS = [
    # Taken at the registered address.
    ("office.jpg", "办公区", "", "office", 10, 10, "2026:11:24 14:10:00", {}),
    # Taken 2.4 km away (an office elsewhere), in the window.
    ("rack.jpg", "机柜", "", "rack", 2400, 300, "2026:11:24 14:40:00", {}),
    # Taken the day before the inspection.
    ("ups.jpg", "UPS", "", "device", 5, 5, "2026:11:23 16:00:00", {}),
    # Edited in Photoshop.
    ("extinguisher.jpg", "灭火器", "", "device", 5, 5, "2026:11:24 14:20:00", {"software": "Adobe Photoshop 25.0 (Windows)"}),
]


# The payload on the fourth staff member's certificate (a fictitious person; the ID number
# has a valid check digit). Its photo is decoded by `hecha check`, then not kept.
CERT_TEXT = (
    "社会保险参保缴费证明\n姓名：陈静\n公民身份号码：320583199501011124\n参保地：苏州工业园区\n"
    "参保险种：养老保险、医疗保险、失业保险\n缴费月数：9\n单位名称：苏州核查示例科技有限公司\n"
    "统一社会信用代码：91320594MA1XY2E40D"
)


def certificate_photo():
    """A certificate on a desk, slightly rotated, QR modules ~5 px."""
    import qrcode
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=5, border=4)
    qr.add_data(CERT_TEXT.encode("utf-8"))
    code = qr.make_image(fill_color="black", back_color="white").convert("RGB")
    page = Image.new("RGB", (900, 1270), (250, 249, 244))
    px = ImageDraw.Draw(page)
    px.text((210, 60), "社会保险参保缴费证明", fill=(20, 20, 20), font=ImageFont.truetype(FONT, 48))
    f = ImageFont.truetype(FONT, 28)
    for i, line in enumerate(["姓名：陈静", "参保地：苏州工业园区", "单位：苏州核查示例科技有限公司", "缴费月数：9"]):
        px.text((90, 190 + i * 60), line, fill=(30, 30, 30), font=f)
    for i in range(6):
        px.line([(80, 470 + i * 50), (820, 470 + i * 50)], fill=(160, 160, 160), width=2)
    page.paste(code, (900 - code.width - 70, 1270 - code.height - 60))
    page = page.rotate(7, expand=True, fillcolor=(96, 72, 48), resample=Image.BICUBIC)
    desk = Image.new("RGB", (1600, 1600), (110, 82, 55))
    desk.paste(page, ((1600 - page.width) // 2, (1600 - page.height) // 2))
    return desk.filter(ImageFilter.GaussianBlur(0.6))


def main():
    lat, lon = offset_m(SITE[0], SITE[1], -3, 6)
    save(ROOT / "examples/suzhou/certificates/si-chen.jpg", certificate_photo(),
         exif_bytes(lat, lon, 4.2, "2026:11:23 10:48:03"))
    print("examples/suzhou/certificates/si-chen.jpg")
    for folder, shots, site in (("suzhou", SUZHOU, SITE), ("suzhou-gaps", GAPS, SITE)):
        for i, (name, label, sub, kind, n, e, when, extra) in enumerate(shots):
            lat, lon = offset_m(site[0], site[1], n, e)
            img = scene(label, sub or label, seed=i * 7919 + len(folder), kind=kind)
            exif = exif_bytes(lat, lon, 4.2, when, **extra)
            save(ROOT / "examples" / folder / "photos" / name, img, exif)
            print(f"examples/{folder}/photos/{name}")


if __name__ == "__main__":
    main()
