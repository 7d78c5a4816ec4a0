//! Checksums of Chinese identification codes: the resident ID number (公民身份号码,
//! GB 11643-1999) and the Unified Social Credit Code of organisations (统一社会信用代码,
//! GB 32100-2015).
//!
//! Errors never carry the code that failed: an ID number is personal information
//! (个人信息保护法), and error values end up in logs and `problems` lists.

use chrono::NaiveDate;
use thiserror::Error;

/// Why a resident ID number (公民身份号码) is not a valid 18-character GB 11643-1999 number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum IdError {
    /// Not 18 characters (nor 15, see [`IdError::Legacy15`]).
    #[error("ID number has {found} characters; 18 expected (or 15 for a legacy ID)")]
    Length { found: usize },
    /// Something other than 17 digits followed by a digit or `X`.
    #[error("ID number may only hold 17 digits and a final check character (digit or X)")]
    Characters,
    /// The check character (position 18) does not match positions 1–17.
    #[error("ID number fails the GB 11643 check digit")]
    CheckDigit,
    /// Positions 7–14 are not a real date of birth.
    #[error("ID number's birth date (positions 7-14) is not a real date")]
    BirthDate,
    /// The first two digits are not a province-level region code (GB/T 2260).
    #[error("ID number's first two digits are not a province code")]
    Region,
    /// A 15-digit ID issued before 1999: it has no check digit, so it cannot be verified.
    #[error("15-digit legacy ID number: it has no check digit to verify")]
    Legacy15,
}

impl IdError {
    /// The problem as catalogue data (never the number).
    pub fn message(&self) -> crate::i18n::Message {
        match self {
            IdError::Length { found } => crate::msg!("error-id-number-length", found = *found),
            IdError::Characters => crate::msg!("error-id-number-characters"),
            IdError::CheckDigit => crate::msg!("error-id-number-check-digit"),
            IdError::BirthDate => crate::msg!("error-id-number-birth-date"),
            IdError::Region => crate::msg!("error-id-number-region"),
            IdError::Legacy15 => crate::msg!("error-id-number-legacy"),
        }
    }
}

/// Why a Unified Social Credit Code (统一社会信用代码) is not valid under GB 32100-2015.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum UsccError {
    #[error("credit code has {found} characters; 18 expected")]
    Length { found: usize },
    /// A character outside GB 32100's alphabet (digits and capitals without I, O, Z, S, V).
    #[error("credit code holds a character outside the GB 32100 alphabet (no I, O, Z, S, V)")]
    Characters,
    #[error("credit code fails the GB 32100 check character")]
    CheckDigit,
}

impl UsccError {
    /// The problem as catalogue data.
    pub fn message(&self) -> crate::i18n::Message {
        match self {
            UsccError::Length { found } => crate::msg!("uscc-length", found = *found),
            UsccError::Characters => crate::msg!("uscc-characters"),
            UsccError::CheckDigit => crate::msg!("uscc-check-character"),
        }
    }
}

/// GB 11643-1999 weights: 2^(17-i) mod 11 for positions 1–17.
const ID_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/// GB 11643-1999 check characters indexed by (weighted sum mod 11).
const ID_CHECK: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

/// GB 32100-2015 alphabet: the value of a character is its index (I, O, Z, S, V are left
/// out because they read like 1, 0, 2, 5, U).
const USCC_ALPHABET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
/// GB 32100-2015 weights: 3^(i-1) mod 31 for positions 1–17.
const USCC_WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// Full-width ASCII forms (U+FF01–U+FF5E, typed by Chinese input methods) to ASCII, and the
/// ideographic space U+3000 to a space. Everything else is left alone.
pub fn to_half_width(s: &str) -> String {
    s.chars().map(half_width_char).collect()
}

/// One character of [`to_half_width`].
pub fn half_width_char(c: char) -> char {
    match c {
        '\u{3000}' => ' ',
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

/// A code as typed: half-width, uppercase, surrounding whitespace trimmed.
pub fn normalize_code(s: &str) -> String {
    to_half_width(s).trim().to_ascii_uppercase()
}

/// The GB 11643-1999 check character of the first 17 characters of an ID number, which must
/// be ASCII digits (after [`normalize_code`]). `None` when they are not 17 digits.
pub fn resident_id_check_char(first17: &str) -> Option<char> {
    let digits: Vec<u32> = normalize_code(first17)
        .chars()
        .map(|c| c.to_digit(10))
        .collect::<Option<_>>()?;
    if digits.len() != 17 {
        return None;
    }
    let sum: u32 = digits.iter().zip(ID_WEIGHTS).map(|(d, w)| d * w).sum();
    ID_CHECK.get((sum % 11) as usize).copied()
}

/// Validates a resident ID number (公民身份号码) under GB 11643-1999: 18 characters, 17
/// digits and a check character (`x` accepted as `X`; full-width forms accepted), a
/// province code in positions 1–2 and a real birth date in positions 7–14.
///
/// 15-digit numbers (issued before 1999) are reported as [`IdError::Legacy15`].
pub fn validate_resident_id(s: &str) -> Result<(), IdError> {
    let id: Vec<char> = normalize_code(s).chars().collect();
    if id.len() == 15 && id.iter().all(char::is_ascii_digit) {
        return Err(IdError::Legacy15);
    }
    if id.len() != 18 {
        return Err(IdError::Length { found: id.len() });
    }
    let (body, check) = id.split_at(17);
    if !body.iter().all(char::is_ascii_digit)
        || !check.iter().all(|c| c.is_ascii_digit() || *c == 'X')
    {
        return Err(IdError::Characters);
    }
    let body: String = body.iter().collect();
    if !plausible_province(&body[..2]) {
        return Err(IdError::Region);
    }
    if !real_birth_date(&body[6..14]) {
        return Err(IdError::BirthDate);
    }
    match resident_id_check_char(&body) {
        Some(c) if check.first() == Some(&c) => Ok(()),
        _ => Err(IdError::CheckDigit),
    }
}

/// Whether two digits are a province-level code of GB/T 2260 (11–15 north, 21–23
/// north-east, 31–37 east, 41–46 south-central, 50–54 south-west, 61–65 north-west,
/// 71 Taiwan, 81–82 Hong Kong and Macao, 83 residence permits for Taiwan residents,
/// 91 historically used for overseas Chinese).
fn plausible_province(two: &str) -> bool {
    matches!(
        two.parse::<u8>(),
        Ok(11..=15 | 21..=23 | 31..=37 | 41..=46 | 50..=54 | 61..=65 | 71 | 81..=83 | 91)
    )
}

/// `YYYYMMDD` is a real calendar date no earlier than 1850 (nobody alive was born before).
fn real_birth_date(yyyymmdd: &str) -> bool {
    let (Ok(y), Ok(m), Ok(d)) = (
        yyyymmdd[..4].parse::<i32>(),
        yyyymmdd[4..6].parse::<u32>(),
        yyyymmdd[6..8].parse::<u32>(),
    ) else {
        return false;
    };
    y >= 1850 && NaiveDate::from_ymd_opt(y, m, d).is_some()
}

/// Whether `s` has the structure of an 18-character resident ID number (region and birth
/// date plausible), whatever its check digit says: a mistyped ID is still personal data.
pub fn looks_like_resident_id(s: &str) -> bool {
    matches!(validate_resident_id(s), Ok(()) | Err(IdError::CheckDigit))
}

/// The 18-character form of a 15-digit legacy ID (GB 11643-1999 §6: the year gains the
/// century `19` and a check character is appended). `None` if `s` is not 15 digits.
pub fn upgrade_legacy15(s: &str) -> Option<String> {
    let id = normalize_code(s);
    if id.len() != 15 || !id.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let body = format!("{}19{}", &id[..6], &id[6..]);
    let check = resident_id_check_char(&body)?;
    Some(format!("{body}{check}"))
}

/// The GB 32100-2015 check character of the first 17 characters of a credit code (after
/// [`normalize_code`]). `None` when they are not 17 characters of the alphabet.
pub fn uscc_check_char(first17: &str) -> Option<char> {
    let values: Vec<u32> = normalize_code(first17)
        .chars()
        .map(uscc_value)
        .collect::<Option<_>>()?;
    if values.len() != 17 {
        return None;
    }
    let sum: u32 = values.iter().zip(USCC_WEIGHTS).map(|(v, w)| v * w).sum();
    let check = (31 - sum % 31) % 31;
    USCC_ALPHABET.chars().nth(check as usize)
}

fn uscc_value(c: char) -> Option<u32> {
    USCC_ALPHABET
        .chars()
        .position(|a| a == c)
        .and_then(|p| u32::try_from(p).ok())
}

/// Validates a Unified Social Credit Code (统一社会信用代码) under GB 32100-2015: 18
/// characters of the alphabet and a check character. Full-width and lowercase input is
/// normalised first.
pub fn validate_uscc(s: &str) -> Result<(), UsccError> {
    let code: Vec<char> = normalize_code(s).chars().collect();
    if code.len() != 18 {
        return Err(UsccError::Length { found: code.len() });
    }
    if !code.iter().all(|c| uscc_value(*c).is_some()) {
        return Err(UsccError::Characters);
    }
    let body: String = code[..17].iter().collect();
    match uscc_check_char(&body) {
        Some(c) if code.get(17) == Some(&c) => Ok(()),
        _ => Err(UsccError::CheckDigit),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn known_public_id_passes() {
        // The GB 11643-1999 standard's own example.
        assert_eq!(validate_resident_id("11010519491231002X"), Ok(()));
        assert_eq!(validate_resident_id("11010519491231002x"), Ok(()));
        assert_eq!(resident_id_check_char("11010519491231002"), Some('X'));
    }

    #[test]
    fn helper_made_ids_pass() {
        for body in [
            "32010219900101123",
            "32058419851231456",
            "44030620000229001",
            "91000019700101000",
        ] {
            let check = resident_id_check_char(body).unwrap();
            assert_eq!(
                validate_resident_id(&format!("{body}{check}")),
                Ok(()),
                "{body}"
            );
        }
        assert_eq!(resident_id_check_char("32010219900101123"), Some('2'));
    }

    #[test]
    fn full_width_id_is_normalised() {
        assert_eq!(
            validate_resident_id("１１０１０５１９４９１２３１００２Ｘ"),
            Ok(())
        );
        assert_eq!(validate_resident_id(" 11010519491231002X\n"), Ok(()));
    }

    #[test]
    fn id_errors() {
        assert_eq!(
            validate_resident_id("110105194912310021"),
            Err(IdError::CheckDigit)
        );
        assert_eq!(
            validate_resident_id("1101051949123100"),
            Err(IdError::Length { found: 16 })
        );
        assert_eq!(validate_resident_id(""), Err(IdError::Length { found: 0 }));
        assert_eq!(
            validate_resident_id("1101051949123100XX"),
            Err(IdError::Characters)
        );
        assert_eq!(
            validate_resident_id("11010519491231002Y"),
            Err(IdError::Characters)
        );
        assert_eq!(
            validate_resident_id("110105194912310"),
            Err(IdError::Legacy15)
        );
        // Province 99 does not exist.
        let body = "99010519900101123";
        let id = format!("{body}{}", resident_id_check_char(body).unwrap());
        assert_eq!(validate_resident_id(&id), Err(IdError::Region));
        // 2023-02-29 is not a date.
        let body = "32010220230229123";
        let id = format!("{body}{}", resident_id_check_char(body).unwrap());
        assert_eq!(validate_resident_id(&id), Err(IdError::BirthDate));
        // 2000-02-29 is.
        let body = "32010220000229123";
        let id = format!("{body}{}", resident_id_check_char(body).unwrap());
        assert_eq!(validate_resident_id(&id), Ok(()));
    }

    #[test]
    fn errors_do_not_echo_the_id() {
        for id in [
            "110105194912310021",
            "1101051949123100XX",
            "110105194912310",
        ] {
            let e = validate_resident_id(id).unwrap_err();
            assert!(!e.to_string().contains("1101051949"));
            assert!(!format!("{e:?}").contains("1101051949"));
        }
    }

    #[test]
    fn legacy_upgrade() {
        // 15-digit form of the standard's example: drop "19" and the check character.
        assert_eq!(
            upgrade_legacy15("110105491231002").as_deref(),
            Some("11010519491231002X")
        );
        assert_eq!(upgrade_legacy15("11010549123100"), None);
    }

    #[test]
    fn known_public_uscc_passes() {
        assert_eq!(validate_uscc("91350100M000100Y43"), Ok(()));
        assert_eq!(validate_uscc("91350100m000100y43"), Ok(()));
        assert_eq!(
            validate_uscc("９１３５０１００Ｍ０００１００Ｙ４３"),
            Ok(())
        );
        assert_eq!(uscc_check_char("91350100M000100Y4"), Some('3'));
    }

    #[test]
    fn uscc_errors() {
        assert_eq!(
            validate_uscc("91350100M000100Y44"),
            Err(UsccError::CheckDigit)
        );
        assert_eq!(
            validate_uscc("91350100M000100Y4"),
            Err(UsccError::Length { found: 17 })
        );
        assert_eq!(
            validate_uscc("91350100M000100I43"),
            Err(UsccError::Characters)
        );
        assert_eq!(
            validate_uscc("91350100M000100O43"),
            Err(UsccError::Characters)
        );
    }

    #[test]
    fn uscc_check_zero_case() {
        // Find a body whose check is '0' (31 - 0 → 0) and make sure it validates.
        let found = (0..100_000u32)
            .map(|n| format!("9132059400{n:07}"))
            .find(|b| uscc_check_char(b) == Some('0'))
            .unwrap();
        assert_eq!(validate_uscc(&format!("{found}0")), Ok(()));
    }

    fn id_body() -> impl Strategy<Value = String> {
        (
            prop::sample::select(vec!["11", "32", "44", "51", "65", "71", "81", "91"]),
            0u32..10_000,
            1900i32..2030,
            1u32..13,
            1u32..29,
            0u32..1000,
        )
            .prop_map(|(p, r, y, m, d, s)| format!("{p}{r:04}{y:04}{m:02}{d:02}{s:03}"))
    }

    fn uscc_body() -> impl Strategy<Value = String> {
        prop::collection::vec(
            prop::sample::select(USCC_ALPHABET.chars().collect::<Vec<_>>()),
            17,
        )
        .prop_map(|v| v.into_iter().collect())
    }

    proptest! {
        #[test]
        fn generated_ids_pass(body in id_body()) {
            let id = format!("{body}{}", resident_id_check_char(&body).unwrap());
            prop_assert_eq!(validate_resident_id(&id), Ok(()));
        }

        #[test]
        fn any_single_change_breaks_an_id(body in id_body(), pos in 0usize..18, repl in prop::sample::select("0123456789X".chars().collect::<Vec<_>>())) {
            let id: Vec<char> = format!("{body}{}", resident_id_check_char(&body).unwrap()).chars().collect();
            prop_assume!(id[pos] != repl);
            let mut changed = id.clone();
            changed[pos] = repl;
            let changed: String = changed.into_iter().collect();
            prop_assert!(validate_resident_id(&changed).is_err());
        }

        #[test]
        fn generated_usccs_pass(body in uscc_body()) {
            let code = format!("{body}{}", uscc_check_char(&body).unwrap());
            prop_assert_eq!(validate_uscc(&code), Ok(()));
        }

        #[test]
        fn any_single_change_breaks_a_uscc(body in uscc_body(), pos in 0usize..18, repl in prop::sample::select(USCC_ALPHABET.chars().collect::<Vec<_>>())) {
            let code: Vec<char> = format!("{body}{}", uscc_check_char(&body).unwrap()).chars().collect();
            prop_assume!(code[pos] != repl);
            let mut changed = code.clone();
            changed[pos] = repl;
            let changed: String = changed.into_iter().collect();
            prop_assert!(validate_uscc(&changed).is_err());
        }

        #[test]
        fn validators_never_panic(s in ".{0,64}") {
            let _ = validate_resident_id(&s);
            let _ = validate_uscc(&s);
            let _ = resident_id_check_char(&s);
            let _ = uscc_check_char(&s);
            let _ = upgrade_legacy15(&s);
        }
    }
}
