//! Resampling and local thresholding. Phone photos of paper have shadows and lighting
//! gradients across the page; one global threshold (or rqrr's running row average) loses
//! the code in the dark corner, a local mean over a window of a few modules does not.

use image::GrayImage;

/// Area-average downscale by an integer factor: every output pixel is the mean of a
/// `f × f` block, which keeps thin module edges instead of aliasing them away.
pub(super) fn downscale(img: &GrayImage, f: u32) -> GrayImage {
    if f <= 1 {
        return img.clone();
    }
    let (w, h) = img.dimensions();
    let (ow, oh) = ((w / f).max(1), (h / f).max(1));
    let src = img.as_raw();
    let mut acc = vec![0u32; ow as usize];
    let mut out = Vec::with_capacity((ow * oh) as usize);
    let n = f * f;
    for oy in 0..oh {
        acc.fill(0);
        for dy in 0..f {
            let y = (oy * f + dy).min(h - 1) as usize;
            let row = &src[y * w as usize..(y + 1) * w as usize];
            for (ox, a) in acc.iter_mut().enumerate() {
                let x0 = ox * f as usize;
                *a += row[x0..x0 + f as usize]
                    .iter()
                    .map(|&p| u32::from(p))
                    .sum::<u32>();
            }
        }
        out.extend(acc.iter().map(|&a| (a / n) as u8));
    }
    GrayImage::from_raw(ow, oh, out).unwrap_or_else(|| GrayImage::new(ow, oh))
}

/// Bilinear upscale of a crop by `f`: for codes whose modules are ~2 px in the photo,
/// where the finder pattern's 1:1:3:1:1 runs are too short for the detector.
pub(super) fn upscale(img: &GrayImage, f: u32) -> GrayImage {
    let (w, h) = img.dimensions();
    if f <= 1 || w == 0 || h == 0 {
        return img.clone();
    }
    let (ow, oh) = (w * f, h * f);
    let src = img.as_raw();
    let mut out = Vec::with_capacity((ow * oh) as usize);
    let fs = f as f32;
    for oy in 0..oh {
        let sy = ((oy as f32 + 0.5) / fs - 0.5).max(0.0);
        let y0 = (sy as u32).min(h - 1);
        let y1 = (y0 + 1).min(h - 1);
        let ty = sy - y0 as f32;
        for ox in 0..ow {
            let sx = ((ox as f32 + 0.5) / fs - 0.5).max(0.0);
            let x0 = (sx as u32).min(w - 1);
            let x1 = (x0 + 1).min(w - 1);
            let tx = sx - x0 as f32;
            let p = |x: u32, y: u32| f32::from(src[(y * w + x) as usize]);
            let top = p(x0, y0) * (1.0 - tx) + p(x1, y0) * tx;
            let bot = p(x0, y1) * (1.0 - tx) + p(x1, y1) * tx;
            out.push((top * (1.0 - ty) + bot * ty + 0.5) as u8);
        }
    }
    GrayImage::from_raw(ow, oh, out).unwrap_or_else(|| GrayImage::new(ow, oh))
}

/// Unsharp mask with a 3×3 box: `p + amount·(p − mean₃ₓ₃)`, clamped. At 1.2–2 px modules
/// a little defocus fills the finder pattern's one-module light ring, and the binarizer
/// then sees a blob, not a 1:1:3:1:1 pattern; this brings the ring back. `amount` in
/// sixteenths (16 = 1.0).
pub(super) fn sharpen(img: &GrayImage, amount16: i32) -> GrayImage {
    let (w, h) = (img.width() as usize, img.height() as usize);
    if w < 3 || h < 3 {
        return img.clone();
    }
    let src = img.as_raw();
    // Vertical 3-sums per column for the rows y-1, y, y+1, then a horizontal 3-sum.
    let mut out = src.clone();
    let mut col = vec![0i32; w];
    for y in 1..h - 1 {
        let (a, b, c) = (
            &src[(y - 1) * w..y * w],
            &src[y * w..(y + 1) * w],
            &src[(y + 1) * w..(y + 2) * w],
        );
        for x in 0..w {
            col[x] = i32::from(a[x]) + i32::from(b[x]) + i32::from(c[x]);
        }
        let row = &mut out[y * w..(y + 1) * w];
        for x in 1..w - 1 {
            let sum = col[x - 1] + col[x] + col[x + 1];
            let p = i32::from(b[x]);
            // p + amount·(p − sum/9), in integers: (144·p + amount16·(9p − sum)) / 144.
            let v = (144 * p + amount16 * (9 * p - sum)) / 144;
            row[x] = v.clamp(0, 255) as u8;
        }
    }
    GrayImage::from_raw(w as u32, h as u32, out).unwrap_or_else(|| img.clone())
}

/// Local-mean threshold via an integral image: a pixel is dark when it is below the mean
/// of the `(2r+1)²` window around it by more than `offset` grey levels. The offset keeps
/// flat paper (and flat desk) from turning into salt-and-pepper noise that the capstone
/// search would then crawl through.
pub(super) fn adaptive(img: &GrayImage, r: u32, offset: u8) -> Vec<bool> {
    let (w, h) = (img.width() as usize, img.height() as usize);
    let src = img.as_raw();
    // u32 wrapping sums: any window sum is < 2^32 (at most 50 MP × 255 < 2^34 for the whole
    // image, but a window is far smaller), and modular subtraction yields it exactly.
    let iw = w + 1;
    let mut integral = vec![0u32; iw * (h + 1)];
    for y in 0..h {
        let mut row_sum = 0u32;
        for x in 0..w {
            row_sum = row_sum.wrapping_add(u32::from(src[y * w + x]));
            integral[(y + 1) * iw + x + 1] = integral[y * iw + x + 1].wrapping_add(row_sum);
        }
    }
    let r = r as usize;
    let off = u32::from(offset);
    let mut out = vec![false; w * h];
    for y in 0..h {
        let y0 = y.saturating_sub(r);
        let y1 = (y + r + 1).min(h);
        for x in 0..w {
            let x0 = x.saturating_sub(r);
            let x1 = (x + r + 1).min(w);
            let sum = integral[y1 * iw + x1]
                .wrapping_sub(integral[y0 * iw + x1])
                .wrapping_sub(integral[y1 * iw + x0])
                .wrapping_add(integral[y0 * iw + x0]);
            let count = ((y1 - y0) * (x1 - x0)) as u32;
            // p < mean - off  ⇔  p·count + off·count < sum
            let p = u32::from(src[y * w + x]);
            out[y * w + x] = (p + off) * count < sum;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn downscale_averages() {
        let img =
            GrayImage::from_raw(4, 2, vec![0, 255, 10, 10, 255, 0, 10, 10]).unwrap_or_default();
        let d = downscale(&img, 2);
        assert_eq!(d.as_raw(), &vec![127, 10]);
    }

    #[test]
    fn sharpen_steepens_an_edge_and_keeps_flat_areas() {
        let img = GrayImage::from_fn(8, 3, |x, _| image::Luma([if x < 4 { 50 } else { 200 }]));
        let s = sharpen(&img, 16);
        assert_eq!(s.get_pixel(1, 1).0[0], 50);
        assert!(s.get_pixel(3, 1).0[0] < 50);
        assert!(s.get_pixel(4, 1).0[0] > 200);
    }

    #[test]
    fn adaptive_finds_dark_square_under_gradient() {
        let mut img = GrayImage::new(64, 64);
        for (x, y, p) in img.enumerate_pixels_mut() {
            let base = 100 + (x as u8) * 2;
            let dark = (20..30).contains(&x) && (20..30).contains(&y);
            p.0[0] = if dark { base / 2 } else { base };
        }
        let b = adaptive(&img, 8, 10);
        assert!(b[25 * 64 + 25]);
        assert!(!b[5 * 64 + 60]);
    }
}
