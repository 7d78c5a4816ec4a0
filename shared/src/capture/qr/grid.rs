//! A second chance for codes that were located but not read, on the greyscale image rather
//! than a binarization. With modules of 1.2–2 px and a little blur, a binarizer has
//! already lost what a module-by-module look can still recover:
//!
//! 1. **Sample** one grey value per module centre (bilinear) through the homography of the
//!    code's four corners, two modules of quiet zone included.
//! 2. **Refine** the corners (and the version, ±1) so that the modules whose value the
//!    standard fixes — finder patterns, separators, timing patterns, alignment patterns,
//!    the quiet zone — are as dark and as light as they should be: a detector's corners
//!    are off by a fraction of a module, which at 1.5 px is enough to sample the
//!    neighbour.
//! 3. **Measure the blur** in module units: a 3×3 (or 5×5) kernel fitted by least squares
//!    to the known modules (each one's grey value against its known neighbourhood).
//! 4. **Deblur** the data modules with that kernel (conjugate gradients on the regularised
//!    normal equations), then threshold at the level the known modules set.
//!
//! Every candidate grid goes to the decoder, whose Reed–Solomon check is the judge: a grid
//! that does not decode yields nothing, so no stage here can invent a text.

use image::GrayImage;

/// A code located in the full-resolution image: its corners (module (0,0), (n,0), (0,n),
/// (n,n), in pixels, pixel centres at +0.5) and its size in modules.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Located {
    pub tl: (f32, f32),
    pub tr: (f32, f32),
    pub bl: (f32, f32),
    pub br: (f32, f32),
    pub dim: u32,
}

impl Located {
    pub(super) fn scaled(self, f: f32) -> Located {
        self.corners_mapped(|(x, y)| (x * f, y * f))
    }

    /// The same code in an image that is this one cropped at (x0, y0) and scaled by `f`,
    /// mapped back: `p / f + (x0, y0)`.
    pub(super) fn uncropped(self, f: f32, x0: f32, y0: f32) -> Located {
        self.corners_mapped(|(x, y)| (x / f + x0, y / f + y0))
    }

    /// The four corners moved by `to`, the version kept.
    fn corners_mapped(self, to: impl Fn((f32, f32)) -> (f32, f32)) -> Located {
        Located {
            tl: to(self.tl),
            tr: to(self.tr),
            bl: to(self.bl),
            br: to(self.br),
            dim: self.dim,
        }
    }

    /// Bounding box (min x, min y, max x, max y).
    pub(super) fn bounds(&self) -> (i64, i64, i64, i64) {
        let pts = [self.tl, self.tr, self.bl, self.br];
        let f = |sel: fn(&(f32, f32)) -> f32, min: bool| {
            let it = pts.iter().map(sel);
            let v = if min {
                it.fold(f32::INFINITY, f32::min)
            } else {
                it.fold(f32::NEG_INFINITY, f32::max)
            };
            v as i64
        };
        (
            f(|p| p.0, true),
            f(|p| p.1, true),
            f(|p| p.0, false),
            f(|p| p.1, false),
        )
    }

    /// Mean module pitch in pixels.
    pub(super) fn module_px(&self) -> f32 {
        let d = |a: (f32, f32), b: (f32, f32)| ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt();
        (d(self.tl, self.tr) + d(self.tr, self.br) + d(self.br, self.bl) + d(self.bl, self.tl))
            / 4.0
            / self.dim.max(1) as f32
    }
}

/// Modules of quiet zone sampled around the code (known light).
const QUIET: i32 = 2;

/// Module (u, v) ∈ [0, 1]² → pixel: ZXing's square-to-quadrilateral homography.
#[derive(Debug, Clone, Copy)]
struct Homography([f64; 8]);

impl Homography {
    fn new(c: [(f64, f64); 4]) -> Homography {
        // c: images of (0,0), (1,0), (1,1), (0,1).
        let [(x0, y0), (x1, y1), (x2, y2), (x3, y3)] = c;
        let dx3 = x0 - x1 + x2 - x3;
        let dy3 = y0 - y1 + y2 - y3;
        let (dx1, dx2, dy1, dy2) = (x1 - x2, x3 - x2, y1 - y2, y3 - y2);
        let den = dx1 * dy2 - dx2 * dy1;
        let (a13, a23) = if den.abs() < 1e-12 {
            (0.0, 0.0)
        } else {
            ((dx3 * dy2 - dx2 * dy3) / den, (dx1 * dy3 - dx3 * dy1) / den)
        };
        Homography([
            x1 - x0 + a13 * x1,
            x3 - x0 + a23 * x3,
            x0,
            y1 - y0 + a13 * y1,
            y3 - y0 + a23 * y3,
            y0,
            a13,
            a23,
        ])
    }

    fn map(&self, u: f64, v: f64) -> (f64, f64) {
        let [a11, a21, a31, a12, a22, a32, a13, a23] = self.0;
        let w = a13 * u + a23 * v + 1.0;
        ((a11 * u + a21 * v + a31) / w, (a12 * u + a22 * v + a32) / w)
    }
}

/// Bilinear grey value at a continuous position (pixel centres at +0.5), clamped.
fn bilinear(img: &GrayImage, x: f64, y: f64) -> f32 {
    let (w, h) = (img.width() as i64, img.height() as i64);
    let px = img.as_raw();
    let (fx, fy) = (x - 0.5, y - 0.5);
    let (x0, y0) = (fx.floor() as i64, fy.floor() as i64);
    let (tx, ty) = ((fx - x0 as f64) as f32, (fy - y0 as f64) as f32);
    let at = |xx: i64, yy: i64| {
        let xx = xx.clamp(0, w - 1);
        let yy = yy.clamp(0, h - 1);
        f32::from(px[(yy * w + xx) as usize])
    };
    let top = at(x0, y0) * (1.0 - tx) + at(x0 + 1, y0) * tx;
    let bot = at(x0, y0 + 1) * (1.0 - tx) + at(x0 + 1, y0 + 1) * tx;
    top * (1.0 - ty) + bot * ty
}

/// Module values of the grid, quiet ring included: side `dim + 2·QUIET`, row-major.
struct Grid {
    dim: i32,
    side: i32,
    v: Vec<f32>,
}

impl Grid {
    fn sample(img: &GrayImage, c: [(f64, f64); 4], dim: u32) -> Grid {
        let h = Homography::new(c);
        let dim = dim as i32;
        let side = dim + 2 * QUIET;
        let n = f64::from(dim);
        let mut v = Vec::with_capacity((side * side) as usize);
        for my in -QUIET..dim + QUIET {
            for mx in -QUIET..dim + QUIET {
                let (x, y) = h.map((f64::from(mx) + 0.5) / n, (f64::from(my) + 0.5) / n);
                v.push(bilinear(img, x, y));
            }
        }
        Grid { dim, side, v }
    }
}

/// What the standard fixes, per module of the sampled grid: `Some(true)` dark,
/// `Some(false)` light, `None` data (or format/version information).
fn template(dim: u32) -> Vec<Option<bool>> {
    let n = dim as i32;
    let side = n + 2 * QUIET;
    let mut t = vec![None; (side * side) as usize];
    let mut set = |x: i32, y: i32, dark: bool| {
        if (-QUIET..n + QUIET).contains(&x) && (-QUIET..n + QUIET).contains(&y) {
            t[((y + QUIET) * side + x + QUIET) as usize] = Some(dark);
        }
    };
    for y in -QUIET..n + QUIET {
        for x in -QUIET..n + QUIET {
            if x < 0 || y < 0 || x >= n || y >= n {
                set(x, y, false);
            }
        }
    }
    // Finder patterns with their separators.
    for (ox, oy) in [(0, 0), (n - 7, 0), (0, n - 7)] {
        for dy in -1..8 {
            for dx in -1..8 {
                let (x, y) = (ox + dx, oy + dy);
                if x < 0 || y < 0 || x >= n || y >= n {
                    continue;
                }
                let ring = dx.min(dy).min(6 - dx).min(6 - dy);
                set(x, y, ring == 0 || ring >= 2);
            }
        }
    }
    // Timing patterns.
    for i in 8..n - 8 {
        set(i, 6, i % 2 == 0);
        set(6, i, i % 2 == 0);
    }
    // Alignment patterns (not over the finders).
    let pos = alignment_positions(dim);
    for &ay in &pos {
        for &ax in &pos {
            // Beside a finder: near an edge on both axes, except the bottom-right corner.
            let edge = |a: i32| a < 9 || a > n - 10;
            let over_finder = edge(ax) && edge(ay) && (ax < 9 || ay < 9);
            if over_finder {
                continue;
            }
            for dy in -2..=2i32 {
                for dx in -2..=2i32 {
                    let ring = dx.abs().max(dy.abs());
                    set(ax + dx, ay + dy, ring != 1);
                }
            }
        }
    }
    // The dark module beside the bottom-left finder.
    set(8, n - 8, true);
    t
}

/// Alignment pattern centres of the version with `dim` modules (ISO/IEC 18004 Annex E,
/// computed as in Nayuki's QR library).
fn alignment_positions(dim: u32) -> Vec<i32> {
    let ver = (dim as i32 - 17) / 4;
    if ver < 2 {
        return Vec::new();
    }
    let n = dim as i32;
    let count = ver / 7 + 2;
    let step = if ver == 32 {
        26
    } else {
        (ver * 4 + count * 2 + 1) / (count * 2 - 2) * 2
    };
    let mut out = vec![6];
    let mut rest: Vec<i32> = (0..count - 1).map(|i| n - 7 - i * step).collect();
    rest.reverse();
    out.extend(rest);
    out
}

/// Mean dark and light values of the known modules and how well they separate (the
/// difference over the pooled standard deviation).
fn separation(g: &Grid, t: &[Option<bool>]) -> (f32, f32, f32) {
    let (mut sd, mut sl, mut qd, mut ql, mut nd, mut nl) = (0f64, 0f64, 0f64, 0f64, 0f64, 0f64);
    for (v, k) in g.v.iter().zip(t) {
        let v = f64::from(*v);
        match k {
            Some(true) => {
                sd += v;
                qd += v * v;
                nd += 1.0;
            }
            Some(false) => {
                sl += v;
                ql += v * v;
                nl += 1.0;
            }
            None => {}
        }
    }
    if nd < 1.0 || nl < 1.0 {
        return (0.0, 0.0, 0.0);
    }
    let (md, ml) = (sd / nd, sl / nl);
    let var = (qd - nd * md * md + ql - nl * ml * ml) / (nd + nl);
    let sep = (ml - md) / (var.max(0.0) + 1.0).sqrt();
    (md as f32, ml as f32, sep as f32)
}

fn corners_f64(l: &Located) -> [(f64, f64); 4] {
    let c = |p: (f32, f32)| (f64::from(p.0), f64::from(p.1));
    [c(l.tl), c(l.tr), c(l.br), c(l.bl)]
}

/// Moves each corner coordinate by ± step while the known modules separate better,
/// halving the step three times. Returns the corners and the separation.
fn refine(
    img: &GrayImage,
    mut c: [(f64, f64); 4],
    dim: u32,
    module_px: f64,
) -> ([(f64, f64); 4], f32) {
    let t = template(dim);
    let score = |c: [(f64, f64); 4]| separation(&Grid::sample(img, c, dim), &t).2;
    let mut best = score(c);
    let mut step = 0.4 * module_px;
    for _ in 0..4 {
        for _pass in 0..2 {
            let mut improved = false;
            for i in 0..8 {
                for sign in [1.0, -1.0] {
                    let mut trial = c;
                    if i % 2 == 0 {
                        trial[i / 2].0 += sign * step;
                    } else {
                        trial[i / 2].1 += sign * step;
                    }
                    let s = score(trial);
                    if s > best {
                        best = s;
                        c = trial;
                        improved = true;
                        break;
                    }
                }
            }
            if !improved {
                break;
            }
        }
        step /= 2.0;
    }
    (c, best)
}

/// Least-squares blur kernel of radius `r` (in modules) plus an offset, from the known
/// modules whose whole neighbourhood is known: value ≈ Σ k·dark(neighbour) + c, on values
/// normalised so that light is 1 and dark 0. Returns the kernel (row-major, (2r+1)²).
fn fit_kernel(g: &Grid, t: &[Option<bool>], r: i32) -> Option<Vec<f64>> {
    let k = ((2 * r + 1) * (2 * r + 1)) as usize;
    let m = k + 1;
    let mut ata = vec![0f64; m * m];
    let mut atb = vec![0f64; m];
    let mut rows = 0usize;
    let mut row = vec![0f64; m];
    for y in r..g.side - r {
        for x in r..g.side - r {
            let i = (y * g.side + x) as usize;
            if t[i].is_none() {
                continue;
            }
            let mut ok = true;
            let mut j = 0;
            for dy in -r..=r {
                for dx in -r..=r {
                    match t[((y + dy) * g.side + x + dx) as usize] {
                        Some(d) => row[j] = if d { 1.0 } else { 0.0 },
                        None => ok = false,
                    }
                    j += 1;
                }
            }
            if !ok {
                continue;
            }
            row[k] = 1.0;
            let b = f64::from(g.v[i]);
            for a in 0..m {
                atb[a] += row[a] * b;
                for c in 0..m {
                    ata[a * m + c] += row[a] * row[c];
                }
            }
            rows += 1;
        }
    }
    if rows < 3 * m {
        return None;
    }
    // A little ridge: neighbourhoods of known modules are far from every pattern.
    for a in 0..k {
        ata[a * m + a] += 1e-3 * rows as f64;
    }
    let sol = solve(ata, atb, m)?;
    Some(sol[..k].to_vec())
}

/// Gaussian elimination with partial pivoting on an m×m system.
fn solve(mut a: Vec<f64>, mut b: Vec<f64>, m: usize) -> Option<Vec<f64>> {
    for col in 0..m {
        let piv =
            (col..m).max_by(|&i, &j| a[i * m + col].abs().total_cmp(&a[j * m + col].abs()))?;
        if a[piv * m + col].abs() < 1e-9 {
            return None;
        }
        if piv != col {
            for c in 0..m {
                a.swap(piv * m + c, col * m + c);
            }
            b.swap(piv, col);
        }
        for row in col + 1..m {
            let f = a[row * m + col] / a[col * m + col];
            for c in col..m {
                a[row * m + c] -= f * a[col * m + c];
            }
            b[row] -= f * b[col];
        }
    }
    let mut x = vec![0f64; m];
    for row in (0..m).rev() {
        let mut s = b[row];
        for c in row + 1..m {
            s -= a[row * m + c] * x[c];
        }
        x[row] = s / a[row * m + row];
    }
    Some(x)
}

/// Convolution of a side×side field with a (2r+1)² kernel, zero outside.
fn convolve(f: &[f64], side: i32, k: &[f64], r: i32, transpose: bool) -> Vec<f64> {
    let w = 2 * r + 1;
    let mut out = vec![0f64; f.len()];
    for y in 0..side {
        for x in 0..side {
            let mut s = 0.0;
            for dy in -r..=r {
                let yy = y + dy;
                if !(0..side).contains(&yy) {
                    continue;
                }
                for dx in -r..=r {
                    let xx = x + dx;
                    if !(0..side).contains(&xx) {
                        continue;
                    }
                    let ki = if transpose {
                        (r - dy) * w + (r - dx)
                    } else {
                        (dy + r) * w + (dx + r)
                    };
                    s += k[ki as usize] * f[(yy * side + xx) as usize];
                }
            }
            out[(y * side + x) as usize] = s;
        }
    }
    out
}

/// Solves (KᵀK + λI)·d = Kᵀ·b for the dark-indicator field d by conjugate gradients
/// (b: the values with the fitted offset removed, light → 0, dark → the kernel's sum).
fn deconvolve(b: &[f64], side: i32, k: &[f64], r: i32, lambda: f64, iters: usize) -> Vec<f64> {
    let apply = |x: &[f64]| {
        let kx = convolve(x, side, k, r, false);
        let mut y = convolve(&kx, side, k, r, true);
        for (yi, xi) in y.iter_mut().zip(x) {
            *yi += lambda * xi;
        }
        y
    };
    let rhs = convolve(b, side, k, r, true);
    let mut x = vec![0f64; b.len()];
    let mut res = rhs.clone();
    let mut p = res.clone();
    let mut rr: f64 = res.iter().map(|v| v * v).sum();
    for _ in 0..iters {
        if rr < 1e-12 {
            break;
        }
        let ap = apply(&p);
        let pap: f64 = p.iter().zip(&ap).map(|(a, b)| a * b).sum();
        if pap.abs() < 1e-18 {
            break;
        }
        let alpha = rr / pap;
        for i in 0..x.len() {
            x[i] += alpha * p[i];
            res[i] -= alpha * ap[i];
        }
        let rr_new: f64 = res.iter().map(|v| v * v).sum();
        let beta = rr_new / rr;
        for i in 0..p.len() {
            p[i] = res[i] + beta * p[i];
        }
        rr = rr_new;
    }
    x
}

/// The sizes a located code could have (the detector's estimate or a neighbour: its
/// finder-distance estimate is off by 4 modules now and then at these sizes), each with
/// how well the modules the standard fixes separate at the detector's corners, best first.
fn versions(img: &GrayImage, loc: &Located) -> Vec<(u32, f32)> {
    let c0 = corners_f64(loc);
    let mut dims: Vec<(u32, f32)> = [loc.dim as i64 - 4, loc.dim as i64, loc.dim as i64 + 4]
        .into_iter()
        .filter(|&d| (21..=177).contains(&d))
        .map(|d| {
            let d = d as u32;
            (d, separation(&Grid::sample(img, c0, d), &template(d)).2)
        })
        .collect();
    dims.sort_by(|a, b| b.1.total_cmp(&a.1));
    dims
}

/// Below this [`prospect`] a located "code" is not one: its fixed modules (finder,
/// separator, timing, alignment patterns, quiet zone) do not separate into dark and light
/// by two standard deviations at the detector's corners. Every code the grid stage read
/// on both benchmark corpora started at 2.8 or more; false locations (finder-like blobs of
/// text and of sharpened noise, grouped in threes) start below 1 and cost up to half a
/// second each to refine and deblur (docs/benchmarks.md).
pub(super) const MIN_PROSPECT: f32 = 2.0;

/// How much a located code looks like one before any refinement: the best separation of
/// its fixed modules over the sizes it could have (0 when none).
pub(super) fn prospect(img: &GrayImage, loc: &Located) -> f32 {
    versions(img, loc).first().map_or(0.0, |d| d.1)
}

/// Candidate module grids (`true` = dark, `dim × dim`) for a located code, cheapest
/// first; the caller decodes each until one passes the decoder's checks.
pub(super) fn candidates(
    img: &GrayImage,
    loc: &Located,
    decode: &mut dyn FnMut(u32, &[bool]) -> bool,
) {
    let module_px = f64::from(loc.module_px());
    if !(0.5..=64.0).contains(&module_px) {
        return;
    }
    let c0 = corners_f64(loc);
    let dims = versions(img, loc);
    for &(dim, _) in dims.iter().take(2) {
        let (c, sep) = refine(img, c0, dim, module_px);
        if sep < 1.0 {
            continue;
        }
        let g = Grid::sample(img, c, dim);
        let t = template(dim);
        let (md, ml, _) = separation(&g, &t);
        if ml - md < 4.0 {
            continue;
        }
        let side = g.side;
        let n = g.dim;
        let crop = |f: &dyn Fn(usize) -> bool| -> Vec<bool> {
            let mut out = Vec::with_capacity((n * n) as usize);
            for y in 0..n {
                for x in 0..n {
                    out.push(f(((y + QUIET) * side + x + QUIET) as usize));
                }
            }
            out
        };
        // 1. One threshold halfway between the known dark and light modules.
        let mid = (md + ml) / 2.0;
        if decode(dim, &crop(&|i| g.v[i] < mid)) {
            return;
        }
        // 2. Each module against the mean of its 5×5 neighbourhood (shading across the code).
        let local = box_mean(&g.v, side, 2);
        if decode(dim, &crop(&|i| g.v[i] < local[i])) {
            return;
        }
        // 3. Deblurred with the kernel measured on the known modules.
        let norm: Vec<f64> =
            g.v.iter()
                .map(|v| f64::from((v - md) / (ml - md)))
                .collect();
        let probe = Grid {
            dim: g.dim,
            side,
            v: norm.iter().map(|&v| v as f32).collect(),
        };
        for (r, lambda) in [(1, 0.02), (2, 0.02), (2, 0.1)] {
            let Some(k) = fit_kernel(&probe, &t, r) else {
                continue;
            };
            // value = c + Σ k·dark, c ≈ 1 (light): dark evidence b = 1 - value, kernel -k.
            let neg: Vec<f64> = k.iter().map(|v| -v).collect();
            let b: Vec<f64> = norm.iter().map(|v| 1.0 - v).collect();
            let d = deconvolve(&b, side, &neg, r, lambda, 30);
            if decode(dim, &crop(&|i| d[i] > 0.5)) {
                return;
            }
        }
    }
}

/// Mean over the (2r+1)² window (clamped at the edges).
fn box_mean(v: &[f32], side: i32, r: i32) -> Vec<f32> {
    let mut out = vec![0f32; v.len()];
    for y in 0..side {
        for x in 0..side {
            let (mut s, mut n) = (0f32, 0f32);
            for yy in (y - r).max(0)..=(y + r).min(side - 1) {
                for xx in (x - r).max(0)..=(x + r).min(side - 1) {
                    s += v[(yy * side + xx) as usize];
                    n += 1.0;
                }
            }
            out[(y * side + x) as usize] = s / n;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alignment_positions_match_the_standard() {
        assert!(alignment_positions(21).is_empty());
        assert_eq!(alignment_positions(25), vec![6, 18]);
        assert_eq!(alignment_positions(45), vec![6, 22, 38]);
        assert_eq!(alignment_positions(57), vec![6, 28, 50]); // version 10
        assert_eq!(
            alignment_positions(4 * 32 + 17),
            vec![6, 34, 60, 86, 112, 138]
        );
    }

    #[test]
    fn homography_maps_the_corners() {
        let c = [(10.0, 20.0), (110.0, 25.0), (105.0, 130.0), (5.0, 120.0)];
        let h = Homography::new(c);
        for ((u, v), p) in [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0)]
            .into_iter()
            .zip(c)
        {
            let q = h.map(u, v);
            assert!(
                (q.0 - p.0).abs() < 1e-9 && (q.1 - p.1).abs() < 1e-9,
                "{q:?} {p:?}"
            );
        }
    }

    /// A clean synthetic code (the fixed modules from the template, data modules from a
    /// fixed pseudo-random sequence) at 4 px per module, or the same area of random modules.
    fn render(dim: u32, code: bool) -> (GrayImage, Located) {
        let t = template(dim);
        let (px, margin) = (4u32, 10u32);
        let side = dim as i32 + 2 * QUIET;
        let size = side as u32 * px + 2 * margin;
        let mut img = GrayImage::from_pixel(size, size, image::Luma([225]));
        let mut seed = 12345u32;
        let mut coin = || {
            seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            seed >> 31 == 1
        };
        for my in 0..side {
            for mx in 0..side {
                let fixed = t[(my * side + mx) as usize];
                let dark = match fixed {
                    Some(d) if code => d,
                    _ => coin(),
                };
                if dark {
                    for y in 0..px {
                        for x in 0..px {
                            let (ix, iy) =
                                (margin + mx as u32 * px + x, margin + my as u32 * px + y);
                            img.put_pixel(ix, iy, image::Luma([35]));
                        }
                    }
                }
            }
        }
        let o = (margin + QUIET as u32 * px) as f32;
        let n = (dim * px) as f32;
        let loc = Located {
            tl: (o, o),
            tr: (o + n, o),
            bl: (o, o + n),
            br: (o + n, o + n),
            dim,
        };
        (img, loc)
    }

    #[test]
    fn a_code_has_a_prospect_and_random_modules_have_none() {
        let (img, loc) = render(25, true);
        let p = prospect(&img, &loc);
        assert!(p >= 2.0 * MIN_PROSPECT, "{p}");
        let (noise, loc) = render(25, false);
        let p = prospect(&noise, &loc);
        assert!(p < MIN_PROSPECT, "{p}");
    }

    #[test]
    fn kernel_fit_recovers_a_known_blur() {
        // A grid whose values are exactly the template blurred by a 3×3 kernel.
        let dim = 25u32;
        let t = template(dim);
        let side = dim as i32 + 2 * QUIET;
        let truth: Vec<f64> = t
            .iter()
            .map(|k| if *k == Some(true) { 1.0 } else { 0.0 })
            .collect();
        let k = [0.05, 0.1, 0.05, 0.1, 0.4, 0.1, 0.05, 0.1, 0.05];
        let blurred = convolve(&truth, side, &k, 1, false);
        let g = Grid {
            dim: dim as i32,
            side,
            v: blurred.iter().map(|b| (1.0 - b) as f32).collect(),
        };
        let fitted = fit_kernel(&g, &t, 1).unwrap_or_default();
        for (a, b) in fitted.iter().zip(k) {
            assert!((a + b).abs() < 0.02, "{fitted:?}");
        }
    }
}
