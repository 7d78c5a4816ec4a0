//! Year-month tokens and paid periods as printed on certificates: `2025年01月至2025年10月`,
//! `202501-202510`, `2025.01—2025.10`, `2025-01 ~ 2025-10`, `2025/1-2025/10`.

use crate::capture::ids::half_width_char;

/// A calendar month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct YearMonth {
    pub year: i32,
    pub month: u32,
}

impl YearMonth {
    fn new(year: i32, month: u32) -> Option<Self> {
        // Certificates printed by today's systems start in the 1950s at the earliest.
        ((1900..=2100).contains(&year) && (1..=12).contains(&month)).then_some(Self { year, month })
    }

    /// `YYYY-MM`, the form stored in the record.
    pub fn iso(self) -> String {
        format!("{:04}-{:02}", self.year, self.month)
    }

    /// Months from `self` to `end`, both included; `None` if `end` is earlier.
    pub fn months_through(self, end: Self) -> Option<u32> {
        let a = self.year * 12 + self.month as i32;
        let b = end.year * 12 + end.month as i32;
        u32::try_from(b - a + 1).ok().filter(|n| *n > 0)
    }
}

/// Separators between year and month: 年, hyphen, dot, slash (full-width forms are
/// normalised before).
fn is_ym_sep(c: char) -> bool {
    matches!(c, '年' | '-' | '.' | '/' | '．')
}

/// Every year-month found in `s`, in order: a 4-digit year, an optional separator and a
/// 1–2-digit month; or a 6-digit `YYYYMM` / 8-digit `YYYYMMDD` run.
pub(super) fn year_months(s: &str) -> Vec<YearMonth> {
    let chars: Vec<char> = s.chars().map(half_width_char).collect();
    let is_digit = |i: usize| chars.get(i).is_some_and(char::is_ascii_digit);
    let run_end = |from: usize| {
        let mut j = from;
        while is_digit(j) {
            j += 1;
        }
        j
    };
    let num = |from: usize, to: usize| -> Option<u32> {
        chars[from..to].iter().collect::<String>().parse().ok()
    };
    let skip_ws = |mut j: usize| {
        while chars.get(j).is_some_and(|c| c.is_whitespace()) {
            j += 1;
        }
        j
    };

    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !is_digit(i) {
            i += 1;
            continue;
        }
        let end = run_end(i);
        match end - i {
            6 | 8 => {
                let ym = num(i, i + 4)
                    .and_then(|y| i32::try_from(y).ok())
                    .zip(num(i + 4, i + 6))
                    .and_then(|(y, m)| YearMonth::new(y, m));
                out.extend(ym);
                i = end;
            }
            4 => {
                let mut j = skip_ws(end);
                if chars.get(j).is_some_and(|c| is_ym_sep(*c)) {
                    j = skip_ws(j + 1);
                }
                let m_end = run_end(j);
                if (1..=2).contains(&(m_end - j)) {
                    let ym = num(i, end)
                        .and_then(|y| i32::try_from(y).ok())
                        .zip(num(j, m_end))
                        .and_then(|(y, m)| YearMonth::new(y, m));
                    if let Some(ym) = ym {
                        out.push(ym);
                        i = m_end;
                        continue;
                    }
                }
                i = end;
            }
            _ => i = end,
        }
    }
    out
}

/// Why a period could not be read (messages hold no personal data).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum PeriodProblem {
    NoMonths,
    OneMonth,
    Reversed,
}

impl PeriodProblem {
    pub fn message(self) -> &'static str {
        match self {
            Self::NoMonths => "paid period holds no year-month",
            Self::OneMonth => "paid period holds only one year-month (open-ended or incomplete)",
            Self::Reversed => "paid period ends before it starts",
        }
    }
}

/// A paid period `start … end`. With a single month and "至今" (up to now) the start is
/// still returned, with the problem.
pub(super) fn period(s: &str) -> (Option<YearMonth>, Option<YearMonth>, Option<PeriodProblem>) {
    let yms = year_months(s);
    match yms.as_slice() {
        [] => (None, None, Some(PeriodProblem::NoMonths)),
        [one] => (Some(*one), None, Some(PeriodProblem::OneMonth)),
        [a, b, ..] if b < a => (None, None, Some(PeriodProblem::Reversed)),
        [a, b, ..] => (Some(*a), Some(*b), None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ym(year: i32, month: u32) -> YearMonth {
        YearMonth { year, month }
    }

    #[test]
    fn forms() {
        let want = (Some(ym(2025, 1)), Some(ym(2025, 10)), None);
        for s in [
            "2025年01月至2025年10月",
            "2025年1月-2025年10月",
            "202501-202510",
            "2025.01—2025.10",
            "2025-01 ~ 2025-10",
            "2025/01-2025/10",
            "２０２５年０１月至２０２５年１０月",
            "2025 年 01 月 至 2025 年 10 月",
            "20250101-20251031",
        ] {
            assert_eq!(period(s), want, "{s}");
        }
    }

    #[test]
    fn problems() {
        assert_eq!(period("至今").2, Some(PeriodProblem::NoMonths));
        assert_eq!(
            period("2025年01月至今"),
            (Some(ym(2025, 1)), None, Some(PeriodProblem::OneMonth))
        );
        assert_eq!(period("2025-10 ~ 2025-01").2, Some(PeriodProblem::Reversed));
        assert_eq!(period("2025-13 ~ 2025-14").2, Some(PeriodProblem::NoMonths));
    }

    #[test]
    fn month_counts() {
        assert_eq!(ym(2025, 1).months_through(ym(2025, 10)), Some(10));
        assert_eq!(ym(2024, 11).months_through(ym(2025, 2)), Some(4));
        assert_eq!(ym(2025, 3).months_through(ym(2025, 3)), Some(1));
        assert_eq!(ym(2025, 3).months_through(ym(2025, 2)), None);
    }
}
