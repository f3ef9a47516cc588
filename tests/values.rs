//! `logspan::values` and its C ABI (`log_value_*`, `log_time_*`,
//! `log_unescape_*`): numbers against `str::parse`, timestamps against an
//! independent (naive, day-counting) calendar and fixed vectors, JSON
//! unescaping against serde_json, logfmt unescaping against ports of
//! go-logfmt's decoder and of Go's `strconv.Unquote`, access-log unescaping against Apache's and nginx's
//! escapers; output capacities; NULL rules of every C function.

use std::ptr;

use logspan::ffi::*;
use logspan::values::*;
use logspan::{Error, LOG_OK};
use proptest::prelude::*;

// ================================================================ numbers

#[test]
fn integer_boundaries() {
    assert_eq!(parse_i64(b"9223372036854775807"), Ok(i64::MAX));
    assert_eq!(
        parse_i64(b"9223372036854775808"),
        Err(Error::ValueOutOfRange)
    );
    assert_eq!(parse_i64(b"-9223372036854775808"), Ok(i64::MIN));
    assert_eq!(
        parse_i64(b"-9223372036854775809"),
        Err(Error::ValueOutOfRange)
    );
    assert_eq!(
        parse_i64(b"-18446744073709551616"),
        Err(Error::ValueOutOfRange)
    );
    assert_eq!(parse_u64(b"18446744073709551615"), Ok(u64::MAX));
    assert_eq!(
        parse_u64(b"18446744073709551616"),
        Err(Error::ValueOutOfRange)
    );
    assert_eq!(parse_u64(b"0000000000000000000000018"), Ok(18));
    assert_eq!(
        parse_i64(b"-000000000000000000000009223372036854775808"),
        Ok(i64::MIN)
    );
    // Syntax errors win over overflow, wherever they are.
    assert_eq!(
        parse_u64(b"99999999999999999999999 "),
        Err(Error::ValueSyntax)
    );
    for bad in [
        &b""[..],
        b"-",
        b"+",
        b"+0",
        b"1-",
        b"\x001",
        b"\xd9\xa1",
        b"1e3",
        b"--0",
    ] {
        assert_eq!(parse_i64(bad), Err(Error::ValueSyntax), "{bad:?}");
        assert_eq!(parse_u64(bad), Err(Error::ValueSyntax), "{bad:?}");
    }
}

#[test]
fn booleans() {
    for t in ["true", "True", "TRUE", "t", "T", "1"] {
        assert_eq!(parse_bool(t.as_bytes()), Ok(true), "{t}");
    }
    for f in ["false", "False", "FALSE", "f", "F", "0"] {
        assert_eq!(parse_bool(f.as_bytes()), Ok(false), "{f}");
    }
    for bad in [
        "", "tRUE", "yes", "no", "on", "off", "2", "01", " true", "true ", "\"true\"", "null",
    ] {
        assert_eq!(
            parse_bool(bad.as_bytes()),
            Err(Error::ValueSyntax),
            "{bad:?}"
        );
    }
}

#[test]
fn float_vectors() {
    let ok: &[(&str, f64)] = &[
        ("0", 0.0),
        ("-0.0", -0.0),
        ("2.75", 2.75),
        ("1e10", 1e10),
        ("1E-10", 1e-10),
        ("6.02214076e+23", 6.02214076e23),
        ("0005.5", 5.5),
        ("2.2250738585072014e-308", f64::MIN_POSITIVE),
        ("5e-324", 5e-324),
        ("1e-400", 0.0),
        ("-1.7976931348623157e308", f64::MIN),
        // Rounds to MAX, not to infinity.
        ("1.7976931348623158e308", f64::MAX),
        (
            "0.30000000000000000000000000000000000000000000000000000001",
            0.3,
        ),
    ];
    for &(s, v) in ok {
        let got = parse_f64(s.as_bytes()).unwrap_or_else(|e| panic!("{s}: {e:?}"));
        assert_eq!(got.to_bits(), v.to_bits(), "{s}");
    }
    for s in [
        "1.7976931348623159e308",
        "1e309",
        "-1e400",
        "1e99999999999999999999999",
    ] {
        assert_eq!(parse_f64(s.as_bytes()), Err(Error::ValueOutOfRange), "{s}");
    }
    let long = format!("1{}", "0".repeat(100_000));
    assert_eq!(parse_f64(long.as_bytes()), Err(Error::ValueOutOfRange));
    let long = format!("0.{}1", "0".repeat(100_000));
    assert_eq!(parse_f64(long.as_bytes()), Ok(0.0));
}

/// Our documented float grammar, as a test-side predicate.
fn float_grammar(s: &str) -> bool {
    let s = s.strip_prefix('-').unwrap_or(s);
    let (mant, exp) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let digits = |d: &str| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit());
    let mant_ok = match mant.split_once('.') {
        Some((a, b)) => digits(a) && digits(b),
        None => digits(mant),
    };
    let exp_ok = exp.is_none_or(|e| digits(e.strip_prefix(['+', '-']).unwrap_or(e)));
    mant_ok && exp_ok
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn i64_round_trips(v in any::<i64>()) {
        prop_assert_eq!(parse_i64(v.to_string().as_bytes()), Ok(v));
    }

    #[test]
    fn u64_round_trips(v in any::<u64>()) {
        prop_assert_eq!(parse_u64(v.to_string().as_bytes()), Ok(v));
    }

    /// Digit strings of any length: the same value as `str::parse`, and
    /// overflow exactly where it overflows.
    #[test]
    fn integers_agree_with_str_parse(s in "-?[0-9]{1,25}") {
        match s.parse::<i64>() {
            Ok(v) => prop_assert_eq!(parse_i64(s.as_bytes()), Ok(v)),
            Err(_) => prop_assert_eq!(parse_i64(s.as_bytes()), Err(Error::ValueOutOfRange)),
        }
        if !s.starts_with('-') {
            match s.parse::<u64>() {
                Ok(v) => prop_assert_eq!(parse_u64(s.as_bytes()), Ok(v)),
                Err(_) => prop_assert_eq!(parse_u64(s.as_bytes()), Err(Error::ValueOutOfRange)),
            }
        }
    }

    /// Arbitrary short text: we accept a subset of `str::parse` (no `+`),
    /// with the same values.
    #[test]
    fn integers_reject_what_str_parse_rejects(s in "[-+0-9 a-z._]{0,8}") {
        let (ours, std) = (parse_i64(s.as_bytes()), s.parse::<i64>());
        match (ours, std) {
            (Ok(a), Ok(b)) => prop_assert_eq!(a, b),
            (Ok(a), Err(_)) => prop_assert!(false, "{:?} accepted as {}", s, a),
            (Err(_), Ok(_)) => prop_assert!(s.starts_with('+'), "{:?} rejected", s),
            (Err(_), Err(_)) => {}
        }
        let (ours, std) = (parse_u64(s.as_bytes()), s.parse::<u64>());
        match (ours, std) {
            (Ok(a), Ok(b)) => prop_assert_eq!(a, b),
            (Ok(a), Err(_)) => prop_assert!(false, "{:?} accepted as {}", s, a),
            (Err(_), Ok(_)) => prop_assert!(s.starts_with('+'), "{:?} rejected", s),
            (Err(_), Err(_)) => {}
        }
    }

    /// Every finite f64, written by Rust in plain and exponent notation,
    /// comes back bit for bit.
    #[test]
    fn f64_round_trips(v in any::<f64>().prop_filter("finite", |v| v.is_finite())) {
        for s in [format!("{v}"), format!("{v:e}"), format!("{v:E}"), format!("{v:?}")] {
            prop_assert!(float_grammar(&s), "{}", s);
            prop_assert_eq!(parse_f64(s.as_bytes()).map(f64::to_bits), Ok(v.to_bits()), "{}", s);
        }
    }

    /// Grammar-shaped strings: the value `str::parse` gives (correct
    /// rounding), or out of range where it gives an infinity.
    #[test]
    fn floats_agree_with_str_parse(
        s in "-?[0-9]{1,30}(\\.[0-9]{1,30})?([eE][+-]?[0-9]{1,4})?"
    ) {
        let std: f64 = s.parse().unwrap();
        if std.is_finite() {
            prop_assert_eq!(parse_f64(s.as_bytes()).map(f64::to_bits), Ok(std.to_bits()));
        } else {
            prop_assert_eq!(parse_f64(s.as_bytes()), Err(Error::ValueOutOfRange));
        }
    }

    /// Arbitrary text: accepted exactly when it is in the documented
    /// grammar, then with `str::parse`'s value; never what it rejects.
    #[test]
    fn floats_accept_exactly_the_grammar(s in "[-+0-9.eE ainfINF_x]{0,10}") {
        let ours = parse_f64(s.as_bytes());
        if float_grammar(&s) {
            let std: f64 = s.parse().unwrap();
            if std.is_finite() {
                prop_assert_eq!(ours.map(f64::to_bits), Ok(std.to_bits()));
            } else {
                prop_assert_eq!(ours, Err(Error::ValueOutOfRange));
            }
        } else {
            prop_assert_eq!(ours, Err(Error::ValueSyntax));
        }
    }

    #[test]
    fn numbers_never_panic(b in proptest::collection::vec(any::<u8>(), 0..40)) {
        let _ = (parse_i64(&b), parse_u64(&b), parse_f64(&b), parse_bool(&b));
    }
}

// ============================================================= timestamps
//
// The oracle: a calendar that counts days one year and one month at a
// time, sharing nothing with the library's closed-form days_from_civil.

fn leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn year_days(y: i64) -> i64 {
    if leap(y) {
        366
    } else {
        365
    }
}

fn month_days(y: i64, m: i64) -> i64 {
    [
        31,
        if leap(y) { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ][(m - 1) as usize]
}

/// Days since 1970-01-01, by counting.
fn naive_days(y: i64, m: i64, d: i64) -> i64 {
    let mut days = 0;
    if y >= 1970 {
        days += (1970..y).map(year_days).sum::<i64>();
    } else {
        days -= (y..1970).map(year_days).sum::<i64>();
    }
    days + (1..m).map(|mm| month_days(y, mm)).sum::<i64>() + d - 1
}

/// The civil date of a day number, by counting.
fn naive_civil(mut days: i64) -> (i64, i64, i64) {
    let mut y = 1970;
    while days < 0 {
        y -= 1;
        days += year_days(y);
    }
    while days >= year_days(y) {
        days -= year_days(y);
        y += 1;
    }
    let mut m = 1;
    while days >= month_days(y, m) {
        days -= month_days(y, m);
        m += 1;
    }
    (y, m, days + 1)
}

/// Local civil time of a Unix second at `off` seconds east of UTC.
fn local(secs: i64, off: i64) -> (i64, i64, i64, i64, i64, i64) {
    let t = secs + off;
    let (y, m, d) = naive_civil(t.div_euclid(86_400));
    let sod = t.rem_euclid(86_400);
    (y, m, d, sod / 3600, sod / 60 % 60, sod % 60)
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

fn recase(s: &str, mask: u8) -> String {
    s.chars()
        .enumerate()
        .map(|(i, c)| {
            if mask >> i & 1 == 1 {
                c.to_ascii_uppercase()
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect()
}

#[test]
fn time_vectors() {
    // RFC 3339 section 5.8, and values computed with Python's datetime.
    let ok: &[(&str, i64)] = &[
        ("1985-04-12T23:20:50.52Z", 482_196_050_520_000_000),
        ("1996-12-19T16:39:57-08:00", 851_042_397_000_000_000),
        ("1937-01-01T12:00:27.87+00:20", -1_041_337_172_130_000_000),
        ("1970-01-01T00:00:00Z", 0),
        ("1969-12-31T23:59:59.5Z", -500_000_000),
        ("1969-12-31t23:59:59,5z", -500_000_000),
        ("2024-02-29T00:00:00Z", 1_709_164_800_000_000_000),
        ("2024-02-29 00:00:00+00:00", 1_709_164_800_000_000_000),
        ("2024-02-29T00:00:00-00:00", 1_709_164_800_000_000_000),
        ("2024-05-01T12:00:00+0200", 1_714_557_600_000_000_000),
        ("1900-02-28T23:59:59Z", -2_203_891_201_000_000_000),
        ("1900-03-01T00:00:00Z", -2_203_891_200_000_000_000),
        ("2000-02-29T00:00:00Z", 951_782_400_000_000_000),
        ("2100-12-31T23:59:59+23:59", 4_133_894_459_000_000_000),
        ("1677-09-21T00:12:43.145224192Z", i64::MIN),
        ("2262-04-11T23:47:16.854775807Z", i64::MAX),
        // Past nine digits: truncated.
        ("2262-04-11T23:47:16.8547758079999999999Z", i64::MAX),
        ("1970-01-01T00:00:00.0000000019Z", 1),
    ];
    for &(s, v) in ok {
        assert_eq!(parse_rfc3339(s.as_bytes()), Ok(v), "{s}");
    }
    let range: &[&str] = &[
        "1677-09-21T00:12:43.145224191Z",
        "2262-04-11T23:47:16.854775808Z",
        "0000-01-01T00:00:00Z",
        "9999-12-31T23:59:59Z",
        "2262-04-11T23:47:16.854775807-00:01",
        // Valid dates (leap days of century years divisible by 400).
        "1600-02-29T00:00:00Z",
        "2400-02-29T00:00:00Z",
    ];
    for s in range {
        assert_eq!(
            parse_rfc3339(s.as_bytes()),
            Err(Error::ValueOutOfRange),
            "{s}"
        );
    }
    let bad: &[&str] = &[
        "2023-02-29T00:00:00Z",
        "1900-02-29T00:00:00Z",
        "2100-02-29T00:00:00Z",
        "1700-02-29T00:00:00Z",
        "2024-02-30T00:00:00Z",
        "2024-06-31T00:00:00Z",
        "1990-12-31T23:59:60Z", // RFC 3339's leap second: not representable
        "2024-05-01T12:00:00",
        "2024-05-01",
        "2024-05-01T12:00Z",
        "2024-05-01T12:00:00.+00:00",
        "2024-05-01T12:00:00+2:00",
        "2024-05-01T12:00:00 +02:00",
        " 2024-05-01T12:00:00Z",
        "2024-05-01T12:00:00Z ",
        "2024-05-01T12:00:00\u{2212}02:00",
        "２024-05-01T12:00:00Z",
    ];
    for s in bad {
        assert_eq!(parse_rfc3339(s.as_bytes()), Err(Error::ValueBadTime), "{s}");
    }

    assert_eq!(
        parse_clf_time(b"10/Oct/2000:13:55:36 -0700"),
        Ok(971_211_336_000_000_000)
    );
    assert_eq!(
        parse_clf_time(b"10/OCT/2000:13:55:36 -0700"),
        Ok(971_211_336_000_000_000)
    );
    assert_eq!(
        parse_clf_time(b"29/Feb/2024:00:00:00 +0000"),
        Ok(1_709_164_800_000_000_000)
    );
    for s in [
        "29/Feb/2023:00:00:00 +0000",
        "1/Oct/2000:13:55:36 -0700",
        "10/Oct/2000:13:55:36 -07:00",
        "10/Oct/2000:13:55:36",
        "10/Oct/2000 13:55:36 -0700",
        "10/Okt/2000:13:55:36 -0700",
        "10/10/2000:13:55:36 -0700",
        "[10/Oct/2000:13:55:36 -0700]",
        "10/Oct/2000:13:55:36 -0700 ",
    ] {
        assert_eq!(
            parse_clf_time(s.as_bytes()),
            Err(Error::ValueBadTime),
            "{s}"
        );
    }

    let y2003 = |s: &str| parse_rfc3164_time(s.as_bytes(), 2003);
    assert_eq!(y2003("Oct 11 22:14:15"), Ok(1_065_910_455_000_000_000));
    assert_eq!(y2003("Oct  1 22:14:15"), Ok(1_065_046_455_000_000_000));
    assert_eq!(y2003("Oct 01 22:14:15"), Ok(1_065_046_455_000_000_000));
    assert_eq!(y2003("oct 01 22:14:15"), Ok(1_065_046_455_000_000_000));
    assert_eq!(y2003("Oct 1 22:14:15"), Ok(1_065_046_455_000_000_000));
    assert_eq!(
        parse_rfc3164_time(b"Feb 29 00:00:00", 2024),
        Ok(1_709_164_800_000_000_000)
    );
    for s in [
        "Feb 29 00:00:00",
        "Oct 0 22:14:15",
        "Oct  0 22:14:15",
        "Oct   1 22:14:15",
        "Oct 1 22:14:15 ",
        "Oct 1 22:14:1",
        "Oct 32 22:14:15",
        "Oct 1  22:14:15",
        "Oct 11 22:14:15 ",
        "Oct 11 22:14",
        "Oct 11 2003 22:14:15",
        "Oct 11 24:00:00",
        "Octo 1 22:14:15",
    ] {
        assert_eq!(y2003(s), Err(Error::ValueBadTime), "{s}");
    }
    for year in [1676, 2263, i32::MIN, i32::MAX] {
        assert_eq!(
            parse_rfc3164_time(b"Jun 15 00:00:00", year),
            Err(Error::ValueOutOfRange),
            "{year}"
        );
    }
}

#[test]
fn long_fractions_are_linear_and_truncated() {
    let s = format!("2024-05-01T12:00:00.{}Z", "9".repeat(1_000_000));
    assert_eq!(parse_rfc3339(s.as_bytes()), Ok(1_714_564_800_999_999_999));
}

/// How an RFC 3339 timestamp is written.
#[derive(Debug, Clone)]
struct Style {
    sep: char,
    digits: usize, // fraction digits; past 9 adds noise below a nanosecond
    noise: u64,
    zone: u8, // 0: Z, 1: z, 2: ±hh:mm, 3: ±hhmm
}

fn style() -> impl Strategy<Value = Style> {
    (
        prop::sample::select(vec!['T', 't', ' ']),
        0usize..=14,
        any::<u64>(),
        0u8..4,
    )
        .prop_map(|(sep, digits, noise, zone)| Style {
            sep,
            digits,
            noise,
            zone,
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    /// Any instant, written at any offset with any fraction length, parses
    /// back to the instant (truncated to the digits written).
    #[test]
    fn rfc3339_round_trips(ns in any::<i64>(), off_min in -1439i64..=1439, st in style()) {
        let off_min = if st.zone < 2 { 0 } else { off_min };
        let secs = ns.div_euclid(1_000_000_000);
        let frac = ns.rem_euclid(1_000_000_000);
        let (y, mo, d, h, mi, s) = local(secs, off_min * 60);
        let mut text = format!("{y:04}-{mo:02}-{d:02}{}{h:02}:{mi:02}:{s:02}", st.sep);
        let mut kept = 0;
        if st.digits > 0 {
            let all = format!("{frac:09}{:020}", st.noise);
            text.push('.');
            text.push_str(&all[..st.digits]);
            let k = st.digits.min(9);
            kept = frac / 10i64.pow(9 - k as u32) * 10i64.pow(9 - k as u32);
        }
        let a = off_min.abs();
        let sign = if off_min < 0 { '-' } else { '+' };
        match st.zone {
            0 => text.push('Z'),
            1 => text.push('z'),
            2 => text.push_str(&format!("{sign}{:02}:{:02}", a / 60, a % 60)),
            _ => text.push_str(&format!("{sign}{:02}{:02}", a / 60, a % 60)),
        }
        let expect = i128::from(secs) * 1_000_000_000 + i128::from(kept);
        let got = parse_rfc3339(text.as_bytes());
        match i64::try_from(expect) {
            Ok(v) => prop_assert_eq!(got, Ok(v), "{}", text),
            Err(_) => prop_assert_eq!(got, Err(Error::ValueOutOfRange), "{}", text),
        }
    }

    /// Every combination of field values, in and out of range: valid
    /// exactly when the naive calendar says so, with its value.
    #[test]
    fn rfc3339_validates_fields(
        y in prop_oneof![
            0i64..=9999,
            prop::sample::select(vec![1600i64, 1700, 1900, 1970, 2000, 2023, 2024, 2100, 2400]),
        ],
        mo in prop_oneof![0i64..=13, Just(2)],
        d in prop_oneof![0i64..=32, 28i64..=31],
        h in 0i64..=24, mi in 0i64..=60, s in 0i64..=60,
        oh in 0i64..=24, om in 0i64..=60, neg in any::<bool>(),
    ) {
        let sign = if neg { '-' } else { '+' };
        let text = format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}{sign}{oh:02}:{om:02}");
        let valid = (1..=12).contains(&mo)
            && d >= 1 && d <= month_days(y, mo)
            && h < 24 && mi < 60 && s < 60 && oh < 24 && om < 60;
        let got = parse_rfc3339(text.as_bytes());
        if !valid {
            prop_assert_eq!(got, Err(Error::ValueBadTime), "{}", text);
        } else {
            let off = (oh * 3600 + om * 60) * if neg { -1 } else { 1 };
            let secs = naive_days(y, mo, d) * 86_400 + h * 3600 + mi * 60 + s - off;
            match i64::try_from(i128::from(secs) * 1_000_000_000) {
                Ok(v) => prop_assert_eq!(got, Ok(v), "{}", text),
                Err(_) => prop_assert_eq!(got, Err(Error::ValueOutOfRange), "{}", text),
            }
        }
    }

    #[test]
    fn clf_round_trips(
        secs in -9_000_000_000i64..9_000_000_000,
        off_min in -1439i64..=1439,
        case in any::<u8>(),
    ) {
        let (y, mo, d, h, mi, s) = local(secs, off_min * 60);
        let a = off_min.abs();
        let text = format!(
            "{d:02}/{}/{y:04}:{h:02}:{mi:02}:{s:02} {}{:02}{:02}",
            recase(MONTHS[mo as usize - 1], case),
            if off_min < 0 { '-' } else { '+' },
            a / 60,
            a % 60
        );
        prop_assert_eq!(parse_clf_time(text.as_bytes()), Ok(secs * 1_000_000_000), "{}", text);
    }

    #[test]
    fn rfc3164_round_trips(
        secs in -9_000_000_000i64..9_000_000_000,
        pad in 0u8..3,
        case in any::<u8>(),
    ) {
        let (y, mo, d, h, mi, s) = local(secs, 0);
        let day = match pad {
            0 => format!("{d:02}"),
            1 => format!("{d:2}"),
            _ => format!("{d}"),
        };
        let text = format!(
            "{} {day} {h:02}:{mi:02}:{s:02}",
            recase(MONTHS[mo as usize - 1], case)
        );
        prop_assert_eq!(
            parse_rfc3164_time(text.as_bytes(), y as i32),
            Ok(secs * 1_000_000_000),
            "{}", text
        );
    }

    /// The syslog parser's RFC 3164 and RFC 3339 TIMESTAMP spans all parse,
    /// and in the 3164 form exactly those (with English-cased months).
    #[test]
    fn syslog_timestamps_parse(
        mo in 0usize..12,
        d in 0u32..=32,
        pad in 0u8..3,
        h in 0u32..=24, mi in 0u32..=60, s in 0u32..=60,
        y in 1970u32..2200,
        frac in 0usize..=6,
    ) {
        let p = logspan::Parser::new("syslog").unwrap();
        let ts_field = p.field_index("timestamp").unwrap();
        let day = match pad {
            0 => format!("{d:02}"),
            1 => format!("{d:2}"),
            _ => format!("{d}"),
        };
        let bsd = format!("{} {day} {h:02}:{mi:02}:{s:02}", MONTHS[mo]);
        let f = if frac > 0 { format!(".{}", &"123456"[..frac]) } else { String::new() };
        let iso = format!("{y:04}-{:02}-{d:02}T{h:02}:{mi:02}:{s:02}{f}+01:00", mo + 1);
        for (ts, ours) in [
            (&bsd, parse_rfc3164_time(bsd.as_bytes(), 2024)),
            (&iso, parse_rfc3339(iso.as_bytes())),
        ] {
            let line = format!("<13>{ts} host app: hi");
            let mut out = [logspan::Span::ABSENT; 16];
            let theirs = p.parse(line.as_bytes(), &mut out);
            let span_is_ts = theirs.is_ok()
                && out[ts_field].get(line.as_bytes()) == Some(ts.as_bytes());
            prop_assert_eq!(span_is_ts, ours.is_ok(), "{} -> {:?}", line, ours);
        }
    }

    /// Mutations of valid timestamps and arbitrary bytes: an answer, never
    /// a panic; and a success is always a plausible instant.
    #[test]
    fn times_never_panic(
        b in proptest::collection::vec(any::<u8>(), 0..40),
        cut in 0usize..40,
        pos in 0usize..40,
        byte in any::<u8>(),
        year in any::<i32>(),
    ) {
        let _ = (parse_rfc3339(&b), parse_clf_time(&b), parse_rfc3164_time(&b, year));
        for base in [
            &b"2024-05-01T12:00:00.123456789+05:30"[..],
            b"10/Oct/2000:13:55:36 -0700",
            b"Oct 11 22:14:15",
        ] {
            let mut m = base.to_vec();
            if pos < m.len() {
                m[pos] = byte;
            }
            m.truncate(cut.max(pos + 1));
            let _ = (parse_rfc3339(&m), parse_clf_time(&m), parse_rfc3164_time(&m, year));
        }
    }
}

// ============================================================= unescaping

type Unescape = fn(&[u8], &mut [u8]) -> Result<usize, Error>;

/// Decode with a buffer of exactly `raw.len()`; then check that every
/// smaller buffer that cannot hold the result fails without writing a
/// byte, and that the exact size succeeds without writing past it.
fn decode_checked(f: Unescape, raw: &[u8]) -> Result<Vec<u8>, Error> {
    const FILL: u8 = 0xA5;
    let mut out = vec![FILL; raw.len() + 8];
    let r = f(raw, &mut out[..raw.len()]);
    let n = match r {
        Ok(n) => n,
        Err(e) => {
            assert!(out.iter().all(|&b| b == FILL), "written on error {e:?}");
            return Err(e);
        }
    };
    assert!(n <= raw.len());
    assert!(out[raw.len()..].iter().all(|&b| b == FILL));
    let decoded = out[..n].to_vec();
    for cap in 0..n {
        let mut buf = vec![FILL; n + 8];
        assert_eq!(
            f(raw, &mut buf[..cap]),
            Err(Error::OutputTooSmall),
            "cap {cap}"
        );
        assert!(buf.iter().all(|&b| b == FILL), "written with cap {cap}");
    }
    let mut buf = vec![FILL; n + 8];
    assert_eq!(f(raw, &mut buf[..n]), Ok(n));
    assert_eq!(&buf[..n], &decoded[..]);
    assert!(buf[n..].iter().all(|&b| b == FILL));
    Ok(decoded)
}

fn json(raw: &[u8]) -> Result<Vec<u8>, Error> {
    decode_checked(unescape_json, raw)
}

fn logfmt(raw: &[u8]) -> Result<Vec<u8>, Error> {
    decode_checked(unescape_logfmt, raw)
}

fn access(raw: &[u8]) -> Result<Vec<u8>, Error> {
    decode_checked(unescape_access, raw)
}

#[test]
fn json_vectors() {
    let ok: &[(&str, &str)] = &[
        ("", ""),
        ("plain", "plain"),
        (r#"\"\\\/\b\f\n\r\t"#, "\"\\/\u{8}\u{c}\n\r\t"),
        (r"\u0041\u00e9\u00E9\u20AC", "A\u{e9}\u{e9}\u{20ac}"),
        (r"\u0000", "\0"),
        (r"\ud83d\ude00", "\u{1F600}"),
        (r"\uD83D\uDE00x", "\u{1F600}x"),
        (r"\udbff\udfff", "\u{10FFFF}"),
        ("é😀\u{7f}", "é😀\u{7f}"),
        (r"a\u0022b", "a\"b"),
    ];
    for &(raw, want) in ok {
        assert_eq!(json(raw.as_bytes()), Ok(want.as_bytes().to_vec()), "{raw}");
    }
    for raw in [
        r"\",
        r"\x41",
        r"\a",
        r"\'",
        r"\U0001F600",
        r"\u12",
        r"\u12G4",
        r"\ud800",
        r"\ud800x",
        r"\ud800\u0041",
        r"\udc00",
        r"\udc00\ud800",
        r"\ud800\ud800",
        "a\"b",
        "tab\there",
        "nl\n",
    ] {
        assert_eq!(json(raw.as_bytes()), Err(Error::JsonBadString), "{raw:?}");
    }
    // Bytes outside escapes, valid UTF-8 or not, are copied.
    assert_eq!(json(b"\xff\xfe\\n"), Ok(b"\xff\xfe\n".to_vec()));
}

/// A JSON string body for `s`, each character written in one of the ways
/// the grammar allows (chosen by `how`).
fn json_encode(s: &str, how: &[u8]) -> String {
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        let h = how.get(i).copied().unwrap_or(0) % 4;
        let short = match c {
            '"' => Some("\\\""),
            '\\' => Some("\\\\"),
            '/' => Some("\\/"),
            '\u{8}' => Some("\\b"),
            '\u{c}' => Some("\\f"),
            '\n' => Some("\\n"),
            '\r' => Some("\\r"),
            '\t' => Some("\\t"),
            _ => None,
        };
        let must_escape = c == '"' || c == '\\' || (c as u32) < 0x20;
        match (h, short) {
            (0, _) if !must_escape => out.push(c),
            (1, Some(e)) => out.push_str(e),
            _ => {
                let mut units = [0u16; 2];
                for u in c.encode_utf16(&mut units) {
                    if h == 3 {
                        out.push_str(&format!("\\u{u:04X}"));
                    } else {
                        out.push_str(&format!("\\u{u:04x}"));
                    }
                }
            }
        }
    }
    out
}

/// A string's body as serde_json writes it.
fn serde_body(s: &str) -> String {
    let q = serde_json::to_string(s).unwrap();
    q[1..q.len() - 1].to_string()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// serde_json's encoding of any string decodes to that string.
    #[test]
    fn json_decodes_serde_output(s in any::<String>()) {
        let body = serde_body(&s);
        prop_assert_eq!(json(body.as_bytes()), Ok(s.into_bytes()));
    }

    /// Every way of escaping each character (raw, short, \u lower/upper
    /// case, surrogate pairs): the string, and serde_json agrees.
    #[test]
    fn json_decodes_every_encoding(
        s in "(.|[\"\\\\/\u{0}-\u{1f}]|\u{1F600}){0,24}",
        how in proptest::collection::vec(any::<u8>(), 24),
    ) {
        let body = json_encode(&s, &how);
        let serde: String = serde_json::from_str(&format!("\"{body}\"")).unwrap();
        prop_assert_eq!(&serde, &s);
        prop_assert_eq!(json(body.as_bytes()), Ok(s.into_bytes()), "{}", body);
    }

    /// Escape-heavy junk: the same verdict and value as serde_json.
    #[test]
    fn json_agrees_with_serde_on_junk(
        parts in proptest::collection::vec(prop::sample::select(vec![
            "\\", "u", "d8", "D8", "00", "dc", "DE", "0", "A", "f", "g", "\"", "n", "/", "'",
            "x", "\u{1}", "é", "😀", "a", "\\u", "\\ud83d", "\\ude00", "\\u00",
        ]), 0..16),
    ) {
        let body: String = parts.concat();
        let serde = serde_json::from_str::<String>(&format!("\"{body}\""));
        let ours = json(body.as_bytes());
        match serde {
            Ok(s) => prop_assert_eq!(ours, Ok(s.into_bytes()), "{:?}", body),
            Err(_) => prop_assert_eq!(ours, Err(Error::JsonBadString), "{:?}", body),
        }
    }

    #[test]
    fn unescape_never_panics(b in proptest::collection::vec(any::<u8>(), 0..48), cap in 0usize..64) {
        let mut out = vec![0u8; cap];
        for f in [unescape_json as Unescape, unescape_logfmt, unescape_access] {
            if let Ok(n) = f(&b, &mut out) {
                prop_assert!(n <= b.len() && n <= cap);
            }
            // raw.len() bytes always suffice.
            let mut full = vec![0u8; b.len()];
            prop_assert_ne!(f(&b, &mut full), Err(Error::OutputTooSmall));
        }
    }
}

/// go-logfmt's `unquoteBytes` (jsonstring.go, itself encoding/json's),
/// ported line by line as the reference: for valid UTF-8 input (where
/// go-logfmt's replacement of invalid bytes does not apply).
fn go_logfmt_unquote(s: &[u8]) -> Option<Vec<u8>> {
    fn getu4(s: &[u8]) -> i32 {
        if s.len() < 6 || s[0] != b'\\' || s[1] != b'u' {
            return -1;
        }
        match std::str::from_utf8(&s[2..6])
            .ok()
            .and_then(|h| u32::from_str_radix(h, 16).ok())
        {
            // strconv.ParseUint takes no sign; from_str_radix takes "+".
            Some(v) if s[2] != b'+' => v as i32,
            _ => -1,
        }
    }
    fn is_surrogate(r: i32) -> bool {
        (0xD800..0xE000).contains(&r)
    }
    fn decode_rune(r1: i32, r2: i32) -> i32 {
        if (0xD800..0xDC00).contains(&r1) && (0xDC00..0xE000).contains(&r2) {
            (((r1 - 0xD800) << 10) | (r2 - 0xDC00)) + 0x10000
        } else {
            0xFFFD
        }
    }
    fn encode(b: &mut Vec<u8>, r: i32) {
        let c = char::from_u32(r as u32).unwrap_or('\u{FFFD}');
        b.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
    }
    let mut b = Vec::new();
    let mut r = 0;
    while r < s.len() {
        let c = s[r];
        if c == b'\\' {
            r += 1;
            if r >= s.len() {
                return None;
            }
            match s[r] {
                b'"' | b'\\' | b'/' | b'\'' => {
                    b.push(s[r]);
                    r += 1;
                }
                b'b' => {
                    b.push(b'\x08');
                    r += 1;
                }
                b'f' => {
                    b.push(b'\x0c');
                    r += 1;
                }
                b'n' => {
                    b.push(b'\n');
                    r += 1;
                }
                b'r' => {
                    b.push(b'\r');
                    r += 1;
                }
                b't' => {
                    b.push(b'\t');
                    r += 1;
                }
                b'u' => {
                    r -= 1;
                    let mut rr = getu4(&s[r..]);
                    if rr < 0 {
                        return None;
                    }
                    r += 6;
                    if is_surrogate(rr) {
                        let rr1 = getu4(&s[r..]);
                        let dec = decode_rune(rr, rr1);
                        if dec != 0xFFFD {
                            r += 6;
                            encode(&mut b, dec);
                            continue;
                        }
                        rr = 0xFFFD;
                    }
                    encode(&mut b, rr);
                }
                _ => return None,
            }
        } else if c == b'"' || c < b' ' {
            return None;
        } else {
            b.push(c);
            r += 1;
        }
    }
    Some(b)
}

/// Go's `strconv.Unquote` for a double-quoted string, given its body,
/// ported as the second reference (what slog's TextHandler and logrus
/// write with `strconv.Quote`): for valid UTF-8 input.
fn go_strconv_unquote(s: &[u8]) -> Option<Vec<u8>> {
    if s.contains(&b'\n') {
        return None;
    }
    let hex = |d: &[u8]| -> Option<u32> {
        if d.iter().all(u8::is_ascii_hexdigit) {
            u32::from_str_radix(std::str::from_utf8(d).ok()?, 16).ok()
        } else {
            None
        }
    };
    let mut b = Vec::new();
    let mut i = 0;
    while i < s.len() {
        let c = s[i];
        if c == b'"' {
            return None;
        }
        if c != b'\\' {
            b.push(c);
            i += 1;
            continue;
        }
        let e = *s.get(i + 1)?;
        i += 2;
        match e {
            b'a' => b.push(7),
            b'b' => b.push(8),
            b'f' => b.push(12),
            b'n' => b.push(b'\n'),
            b'r' => b.push(b'\r'),
            b't' => b.push(b'\t'),
            b'v' => b.push(11),
            b'\\' | b'"' => b.push(e),
            b'x' => {
                b.push(hex(s.get(i..i + 2)?)? as u8);
                i += 2;
            }
            b'u' | b'U' => {
                let n = if e == b'u' { 4 } else { 8 };
                let c = char::from_u32(hex(s.get(i..i + n)?)?)?;
                b.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
                i += n;
            }
            b'0'..=b'7' => {
                let d = s.get(i - 1..i + 2)?;
                if !d.iter().all(|c| (b'0'..=b'7').contains(c)) {
                    return None;
                }
                let v = d.iter().fold(0u32, |a, c| a * 8 + u32::from(c - b'0'));
                b.push(u8::try_from(v).ok()?);
                i += 2;
            }
            _ => return None, // including \' in a double-quoted string
        }
    }
    Some(b)
}

#[test]
fn logfmt_vectors() {
    let ok: &[(&str, &[u8])] = &[
        ("", b""),
        ("hello world", b"hello world"),
        (r#"\"quoted\" \\ \/ \'"#, b"\"quoted\" \\ / '"),
        (r"\b\f\n\r\t", b"\x08\x0c\n\r\t"),
        (r"\u00e9\u0001", "\u{e9}\u{1}".as_bytes()),
        (r"\ud83d\ude00", "\u{1F600}".as_bytes()),
        // Lone or reversed surrogates: U+FFFD each, as go-logfmt.
        (r"\ud800", "\u{FFFD}".as_bytes()),
        (r"\ud800x", "\u{FFFD}x".as_bytes()),
        (r"\udc00\ud800", "\u{FFFD}\u{FFFD}".as_bytes()),
        (r"\ud800\ud800\udc00", "\u{FFFD}\u{10000}".as_bytes()),
        (r"\ud800\u0041", "\u{FFFD}A".as_bytes()),
        ("é😀", "é😀".as_bytes()),
        // strconv.Quote's escapes.
        (r"\a\v", b"\x07\x0b"),
        (r"\x41\xfF\x00", b"A\xff\x00"),
        (r"\101\000\377\0123", b"A\x00\xff\n3"),
        (
            r"\U0001F600\U00000041\U0010FFFF",
            "\u{1F600}A\u{10FFFF}".as_bytes(),
        ),
        // slog: a message with a quote, a tab and an invalid byte.
        (
            r#"say \"hi\"\tnow \xe9t\xc3\xa9"#,
            b"say \"hi\"\tnow \xe9t\xc3\xa9",
        ),
    ];
    for &(raw, want) in ok {
        assert_eq!(logfmt(raw.as_bytes()), Ok(want.to_vec()), "{raw}");
        // Whichever Go decoder accepts it gives the same bytes.
        let go = go_logfmt_unquote(raw.as_bytes());
        let sc = go_strconv_unquote(raw.as_bytes());
        assert!(go.is_some() || sc.is_some(), "no reference accepts {raw}");
        for r in [go, sc].into_iter().flatten() {
            assert_eq!(r, want, "reference: {raw}");
        }
    }
    for raw in [
        r"\q",
        r"\0",
        r"\01",
        r"\08",
        r"\400",
        r"\x4",
        r"\xg0",
        r"\u12",
        r"\U0000D800",
        r"\U00110000",
        r"\UFFFFFFFF",
        r"\U0001F60",
        r"\",
        "a\"b",
        "a\tb",
        "a\nb",
        "a\u{7}b",
    ] {
        assert_eq!(
            logfmt(raw.as_bytes()),
            Err(Error::LogfmtBadEscape),
            "{raw:?}"
        );
    }
    // go-logfmt would turn the invalid byte into U+FFFD; we copy it (see
    // the docs: output never longer than input).
    assert_eq!(logfmt(b"a\xffb"), Ok(b"a\xffb".to_vec()));
}

/// A body for `raw` as a Go writer might produce it: each byte or
/// character escaped in one of the ways go-logfmt or `strconv.Quote`
/// write it (chosen by `how`).
fn go_encode(raw: &[u8], how: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut i = 0;
    let mut k = 0;
    while i < raw.len() {
        let h = how.get(k).copied().unwrap_or(0);
        k += 1;
        // A whole UTF-8 character, when one starts here.
        let ch = (1..=4)
            .filter_map(|n| std::str::from_utf8(raw.get(i..i + n)?).ok())
            .next()
            .and_then(|s| s.chars().next());
        let b = raw[i];
        match (h % 6, ch) {
            (0, Some(c)) if c != '"' && c != '\\' && c >= ' ' => {
                out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
                i += c.len_utf8();
            }
            (1, Some(c)) if (c as u32) < 0x10000 => {
                out.extend_from_slice(format!("\\u{:04x}", c as u32).as_bytes());
                i += c.len_utf8();
            }
            (2, Some(c)) if (c as u32) >= 0x10000 && h & 0x80 != 0 => {
                let mut units = [0u16; 2];
                for u in c.encode_utf16(&mut units) {
                    out.extend_from_slice(format!("\\u{u:04X}").as_bytes());
                }
                i += c.len_utf8();
            }
            (2, Some(c)) => {
                out.extend_from_slice(format!("\\U{:08x}", c as u32).as_bytes());
                i += c.len_utf8();
            }
            (3, _) => {
                out.extend_from_slice(format!("\\{b:03o}").as_bytes());
                i += 1;
            }
            (4, _) => {
                let short = match b {
                    7 => Some('a'),
                    8 => Some('b'),
                    11 => Some('v'),
                    12 => Some('f'),
                    b'\n' => Some('n'),
                    b'\r' => Some('r'),
                    b'\t' => Some('t'),
                    b'"' | b'\\' | b'/' | b'\'' => Some(b as char),
                    _ => None,
                };
                match short {
                    Some(e) => out.extend_from_slice(&[b'\\', e as u8]),
                    None => out.extend_from_slice(format!("\\x{b:02x}").as_bytes()),
                }
                i += 1;
            }
            _ => {
                out.extend_from_slice(format!("\\x{b:02X}").as_bytes());
                i += 1;
            }
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    /// Escape-heavy junk: where go-logfmt or strconv.Unquote accepts it,
    /// the same bytes; where we reject it, both reject it.
    #[test]
    fn logfmt_agrees_with_go_decoders(
        parts in proptest::collection::vec(prop::sample::select(vec![
            "\\", "u", "U", "d8", "D8", "00", "0001F6", "dc", "DE", "0", "3", "4", "7", "8",
            "A", "f", "\"", "n", "/", "'", "x", "v", "a", "+", "\t", "é", "😀", "\\u",
            "\\ud83d", "\\ude00", "\\u00", "\\\\", "\\x", "\\U000", "\\1",
        ]), 0..16),
    ) {
        let body: String = parts.concat();
        let ours = logfmt(body.as_bytes());
        let go = go_logfmt_unquote(body.as_bytes());
        let has_control = body.bytes().any(|b| b < 0x20);
        let sc = go_strconv_unquote(body.as_bytes()).filter(|_| !has_control);
        match &ours {
            Ok(v) => {
                for r in [&go, &sc].into_iter().flatten() {
                    prop_assert_eq!(r, v, "{:?}", body);
                }
            }
            Err(e) => {
                prop_assert_eq!(*e, Error::LogfmtBadEscape);
                prop_assert!(go.is_none() && sc.is_none(), "{:?} rejected", body);
            }
        }
    }

    /// Any bytes, escaped by a Go writer in any mix of styles, come back.
    #[test]
    fn logfmt_inverts_go_writers(
        raw in proptest::collection::vec(any::<u8>(), 0..48),
        how in proptest::collection::vec(any::<u8>(), 48),
    ) {
        let body = go_encode(&raw, &how);
        prop_assert_eq!(logfmt(&body), Ok(raw), "{}", String::from_utf8_lossy(&body));
    }

    /// The logfmt parser and the unescaper accept the same quoted values:
    /// every span the parser reports can be decoded, and nothing else.
    #[test]
    fn logfmt_parser_and_unescaper_agree(
        parts in proptest::collection::vec(prop::sample::select(vec![
            "\\", "u", "U", "d8", "00", "0001F6", "dc", "0", "3", "4", "7", "8", "A", "f",
            "\"", "n", "/", "'", "x", "v", "a", "q", "\t", "\u{1}", "é", "\\u", "\\ud83d",
            "\\x", "\\U000", "\\1", "\\\"", " ", "=",
        ]), 0..16),
    ) {
        let body: String = parts.concat();
        let line = format!("k=\"{body}\"");
        let p = logspan::Parser::new("logfmt:k").unwrap();
        let mut out = [logspan::Span::ABSENT; 1];
        let parsed = p.parse(line.as_bytes(), &mut out);
        let unescaped = logfmt(body.as_bytes());
        if unescaped.is_ok() {
            prop_assert_eq!(parsed, Ok(1), "{}", line);
            prop_assert_eq!(out[0].get(line.as_bytes()), Some(body.as_bytes()));
        } else if parsed.is_ok() {
            // Accepted only if the value ended before our body did (a raw
            // `"` in the body closes it): then it is not this body.
            prop_assert_ne!(out[0].get(line.as_bytes()), Some(body.as_bytes()), "{}", line);
        }
    }

    /// Valid JSON string bodies are valid logfmt with the same value
    /// (go-logfmt's grammar is JSON's plus `\'`).
    #[test]
    fn logfmt_accepts_json_encodings(
        s in "(.|[\"\\\\/\u{0}-\u{1f}]|\u{1F600}){0,24}",
        how in proptest::collection::vec(any::<u8>(), 24),
    ) {
        let body = json_encode(&s, &how);
        prop_assert_eq!(logfmt(body.as_bytes()), Ok(s.into_bytes()));
    }
}

/// Apache httpd's `ap_escape_logitem`: C escapes for \b \n \r \t \v, `\\`
/// and `\"`, `\xhh` for other non-printable bytes.
fn apache_escape(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    for &b in raw {
        match b {
            0x08 => out.extend_from_slice(b"\\b"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            0x0B => out.extend_from_slice(b"\\v"),
            b'\\' | b'"' => out.extend_from_slice(&[b'\\', b]),
            0x20..=0x7E => out.push(b),
            _ => out.extend_from_slice(format!("\\x{b:02x}").as_bytes()),
        }
    }
    out
}

/// nginx's default log escaping: `"`, `\`, controls and bytes >= 0x7F as
/// `\xHH`.
fn nginx_escape(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    for &b in raw {
        if b == b'"' || b == b'\\' || !(0x20..0x7F).contains(&b) {
            out.extend_from_slice(format!("\\x{b:02X}").as_bytes());
        } else {
            out.push(b);
        }
    }
    out
}

#[test]
fn access_vectors() {
    let ok: &[(&[u8], &[u8])] = &[
        (b"", b""),
        (b"GET / HTTP/1.1", b"GET / HTTP/1.1"),
        (br#"\"quoted\""#, br#""quoted""#),
        (br"C:\\dir", br"C:\dir"),
        (br"\x22\x5C\x5c\x00\xff", b"\"\\\\\x00\xff"),
        (br"\b\n\r\t\v", b"\x08\n\r\t\x0b"),
        // Not escapes: kept with what follows.
        (br"\q\a\f\'\/\u0041", br"\q\a\f\'\/\u0041"),
        (br"\x4", br"\x4"),
        (br"\x4g", br"\x4g"),
        (br"\xg4", br"\xg4"),
        (br"end\", br"end\"),
        (br"\\\", br"\\"),
        (br"\\x41", br"\x41"),
    ];
    for &(raw, want) in ok {
        assert_eq!(
            access(raw),
            Ok(want.to_vec()),
            "{}",
            String::from_utf8_lossy(raw)
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn access_inverts_apache_and_nginx(raw in proptest::collection::vec(any::<u8>(), 0..64)) {
        prop_assert_eq!(access(&apache_escape(&raw)), Ok(raw.clone()));
        prop_assert_eq!(access(&nginx_escape(&raw)), Ok(raw));
    }

    /// Text without a backslash is returned unchanged.
    #[test]
    fn access_copies_plain_text(raw in proptest::collection::vec(any::<u8>(), 0..64)) {
        let plain: Vec<u8> = raw.into_iter().filter(|&b| b != b'\\').collect();
        prop_assert_eq!(access(&plain), Ok(plain.clone()));
    }
}

// ==================================================================== FFI

const SENTINEL_I64: i64 = 0x5A5A_5A5A_5A5A_5A5A;

/// A non-NULL pointer that must never be read.
fn dangling<T>() -> *mut T {
    ptr::NonNull::<T>::dangling().as_ptr()
}

type ValueFn<T> = unsafe extern "C" fn(*const u8, usize, *mut T) -> i32;

/// The rules every `log_value_*` / `log_time_*` function shares, given a
/// valid input and its value, and an invalid input and its error.
fn check_value_fn<T: Copy + PartialEq + std::fmt::Debug>(
    f: ValueFn<T>,
    sentinel: T,
    good: &[u8],
    value: T,
    bad: &[u8],
    bad_err: Error,
    empty_err: Error,
) {
    // SAFETY: every pointer passed is a live slice's with its own length,
    // or `&mut out` (a local T); `f` is one of the log_value_* functions,
    // whose contract that is.
    unsafe {
        let mut out = sentinel;
        assert_eq!(f(good.as_ptr(), good.len(), &mut out), LOG_OK);
        assert_eq!(out, value);

        let mut out = sentinel;
        assert_eq!(f(bad.as_ptr(), bad.len(), &mut out), bad_err.code());
        assert_eq!(out, sentinel, "written on error");

        // (NULL, 0) is the empty input: an ordinary parse error.
        let mut out = sentinel;
        assert_eq!(f(ptr::null(), 0, &mut out), empty_err.code());
        assert_eq!(out, sentinel);
        assert_eq!(f(dangling(), 0, &mut out), empty_err.code());
        assert_eq!(out, sentinel);

        // (NULL, n > 0): NULL argument, nothing written.
        assert_eq!(f(ptr::null(), 5, &mut out), Error::NullArgument.code());
        assert_eq!(out, sentinel);

        // NULL output: NULL argument, whatever the input.
        assert_eq!(
            f(good.as_ptr(), good.len(), ptr::null_mut()),
            Error::NullArgument.code()
        );
        assert_eq!(
            f(ptr::null(), 0, ptr::null_mut()),
            Error::NullArgument.code()
        );
    }
}

#[test]
fn ffi_values() {
    check_value_fn(
        log_value_i64,
        SENTINEL_I64,
        b"-9223372036854775808",
        i64::MIN,
        b"9223372036854775808",
        Error::ValueOutOfRange,
        Error::ValueSyntax,
    );
    check_value_fn(
        log_value_u64,
        7u64,
        b"18446744073709551615",
        u64::MAX,
        b"+1",
        Error::ValueSyntax,
        Error::ValueSyntax,
    );
    check_value_fn(
        log_value_f64,
        12_345.5f64,
        b"-2.5e-3",
        -0.0025,
        b"1e999",
        Error::ValueOutOfRange,
        Error::ValueSyntax,
    );
    check_value_fn(
        log_value_bool,
        0xA5u8,
        b"true",
        1,
        b"yes",
        Error::ValueSyntax,
        Error::ValueSyntax,
    );
    check_value_fn(
        log_value_bool,
        0xA5u8,
        b"False",
        0,
        b"",
        Error::ValueSyntax,
        Error::ValueSyntax,
    );
    check_value_fn(
        log_time_rfc3339,
        SENTINEL_I64,
        b"1985-04-12T23:20:50.52Z",
        482_196_050_520_000_000,
        b"2023-02-29T00:00:00Z",
        Error::ValueBadTime,
        Error::ValueBadTime,
    );
    check_value_fn(
        log_time_clf,
        SENTINEL_I64,
        b"10/Oct/2000:13:55:36 -0700",
        971_211_336_000_000_000,
        b"10/Oct/2000:13:55:36",
        Error::ValueBadTime,
        Error::ValueBadTime,
    );

    unsafe extern "C" fn rfc3164_2003(b: *const u8, n: usize, out: *mut i64) -> i32 {
        // SAFETY: forwarded from this function's contract (the same as
        // log_time_rfc3164's for these arguments).
        unsafe { log_time_rfc3164(b, n, 2003, out) }
    }
    check_value_fn(
        rfc3164_2003,
        SENTINEL_I64,
        b"Oct  1 22:14:15",
        1_065_046_455_000_000_000,
        b"Feb 29 00:00:00",
        Error::ValueBadTime,
        Error::ValueBadTime,
    );
    let mut out = SENTINEL_I64;
    let s = b"Oct  1 22:14:15";
    assert_eq!(
        // SAFETY: `s` is a live byte string with its length; `out` a local.
        unsafe { log_time_rfc3164(s.as_ptr(), s.len(), 3000, &mut out) },
        Error::ValueOutOfRange.code()
    );
    assert_eq!(out, SENTINEL_I64);
}

type UnescapeFn = unsafe extern "C" fn(*const u8, usize, *mut u8, usize, *mut usize) -> i32;

/// The rules every `log_unescape_*` function shares, given an input, its
/// decoding, and (when the format has one) an invalid input and its error.
fn check_unescape_fn(f: UnescapeFn, raw: &[u8], want: &[u8], bad: Option<(&[u8], Error)>) {
    const FILL: u8 = 0xA5;
    const LEN: usize = 0xDEAD;
    // SAFETY: every buffer passed is a live Vec or slice with its own
    // length (or capacity, for outputs), and `&mut n` a local; `f` is one
    // of the log_unescape_* functions, whose contract that is.
    unsafe {
        // Success: exactly want.len() bytes written, *out_len set.
        let mut out = vec![FILL; raw.len() + 4];
        let mut n = LEN;
        assert_eq!(
            f(raw.as_ptr(), raw.len(), out.as_mut_ptr(), raw.len(), &mut n),
            LOG_OK
        );
        assert_eq!(&out[..n], want);
        assert!(out[n..].iter().all(|&b| b == FILL));

        // Every too-small capacity: nothing written anywhere.
        for cap in 0..want.len() {
            let mut out = vec![FILL; raw.len() + 4];
            let mut n = LEN;
            assert_eq!(
                f(raw.as_ptr(), raw.len(), out.as_mut_ptr(), cap, &mut n),
                Error::OutputTooSmall.code(),
                "cap {cap}"
            );
            assert_eq!(n, LEN);
            assert!(out.iter().all(|&b| b == FILL));
        }
        // (NULL, 0) output: too small for a non-empty result.
        let mut n = LEN;
        assert_eq!(
            f(raw.as_ptr(), raw.len(), ptr::null_mut(), 0, &mut n),
            Error::OutputTooSmall.code()
        );
        assert_eq!(n, LEN);

        // Invalid input: its error, nothing written.
        if let Some((bad, err)) = bad {
            let mut out = vec![FILL; bad.len() + 4];
            let mut n = LEN;
            assert_eq!(
                f(bad.as_ptr(), bad.len(), out.as_mut_ptr(), bad.len(), &mut n),
                err.code()
            );
            assert_eq!(n, LEN);
            assert!(out.iter().all(|&b| b == FILL));
        }

        // (NULL, 0) input and output: an empty result.
        let mut n = LEN;
        assert_eq!(f(ptr::null(), 0, ptr::null_mut(), 0, &mut n), LOG_OK);
        assert_eq!(n, 0);
        let mut n = LEN;
        assert_eq!(f(dangling(), 0, dangling(), 0, &mut n), LOG_OK);
        assert_eq!(n, 0);

        // NULL with a length: NULL argument, nothing written.
        let mut out = vec![FILL; 8];
        let mut n = LEN;
        assert_eq!(
            f(ptr::null(), 3, out.as_mut_ptr(), 8, &mut n),
            Error::NullArgument.code()
        );
        assert_eq!(
            f(raw.as_ptr(), raw.len(), ptr::null_mut(), 8, &mut n),
            Error::NullArgument.code()
        );
        assert_eq!(
            f(
                raw.as_ptr(),
                raw.len(),
                out.as_mut_ptr(),
                8,
                ptr::null_mut()
            ),
            Error::NullArgument.code()
        );
        assert_eq!(
            f(ptr::null(), 0, ptr::null_mut(), 0, ptr::null_mut()),
            Error::NullArgument.code()
        );
        assert_eq!(n, LEN);
        assert!(out.iter().all(|&b| b == FILL));

        // In-place (overlapping) buffers are refused, nothing written.
        let mut buf = raw.to_vec();
        buf.extend_from_slice(&[FILL; 4]);
        let p = buf.as_mut_ptr();
        for (o, cap) in [(0, raw.len()), (1, raw.len()), (raw.len() - 1, 4)] {
            let mut n = LEN;
            assert_eq!(
                f(p, raw.len(), p.add(o), cap, &mut n),
                Error::InvalidArgument.code(),
                "out at +{o}"
            );
            assert_eq!(n, LEN);
        }
        assert_eq!(&buf[..raw.len()], raw);
        // Adjacent, not overlapping: no overlap error.
        let mut n = LEN;
        let rc = f(p, raw.len(), p.add(raw.len()), 4, &mut n);
        if want.len() > 4 {
            assert_eq!(rc, Error::OutputTooSmall.code());
        } else {
            assert_eq!((rc, n), (LOG_OK, want.len()));
        }
    }
}

#[test]
fn ffi_unescape() {
    check_unescape_fn(
        log_unescape_json,
        br#"a\"b\u00e9\ud83d\ude00\n"#,
        "a\"b\u{e9}\u{1F600}\n".as_bytes(),
        Some((br"ok \q", Error::JsonBadString)),
    );
    check_unescape_fn(
        log_unescape_logfmt,
        br#"it\'s \"x\" \ud800"#,
        "it's \"x\" \u{FFFD}".as_bytes(),
        Some((br"ok \400", Error::LogfmtBadEscape)),
    );
    check_unescape_fn(
        log_unescape_access,
        br#"GET /\x41 \"q\" \\ \w"#,
        br#"GET /A "q" \ \w"#,
        None,
    );
}

#[test]
fn ffi_status_strings() {
    for e in [
        Error::ValueSyntax,
        Error::ValueOutOfRange,
        Error::ValueBadTime,
    ] {
        // SAFETY: log_status_str returns a static NUL-terminated string
        // for every code.
        let s = unsafe { std::ffi::CStr::from_ptr(log_status_str(e.code())) };
        assert_eq!(s.to_str().unwrap(), e.message());
        assert!(e.message().starts_with("value: "));
        assert_eq!(Error::from_code(e.code()), Some(e));
    }
    assert_eq!(Error::ValueSyntax.code(), -1501);
    assert_eq!(Error::ValueOutOfRange.code(), -1502);
    assert_eq!(Error::ValueBadTime.code(), -1503);
}
