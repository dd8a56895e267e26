//! Exact numbers. Every money, percent, weight and uptime value is a decimal
//! parsed from text; arithmetic that can produce a non-terminating quotient
//! (uptime, pro-rating, multipliers) is carried as an exact ratio of big
//! integers and only rounded at a step the terms name (spec 7, "Money").

use crate::small::{self, gcd_u128};
use num_bigint::BigInt;
use num_integer::Integer;
use num_rational::BigRational;
use num_traits::{One, Signed, ToPrimitive, Zero};
use rust_decimal::Decimal;
use std::str::FromStr;

pub type Rat = BigRational;

/// Parses a decimal written as text: optional sign, digits, optional
/// fraction. No exponent, no thousands separators, no leading `.`: an
/// amount in a contract is written the way a person reads it.
pub fn parse_decimal(text: &str) -> Result<Decimal, String> {
    let t = text.trim();
    let body = t.strip_prefix(['-', '+']).unwrap_or(t);
    let (int, frac) = match body.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (body, None),
    };
    let digits_ok = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits_ok(int) || frac.is_some_and(|f| !digits_ok(f)) {
        return Err(format!(
            "`{text}` is not a decimal number (write e.g. \"99.95\")"
        ));
    }
    Decimal::from_str_exact(t.strip_prefix('+').unwrap_or(t))
        .map_err(|_| format!("`{text}` has more digits than an exact decimal can hold (28)"))
}

pub fn rat_int(v: i64) -> Rat {
    Rat::from_integer(BigInt::from(v))
}

pub fn rat(d: Decimal) -> Rat {
    // A decimal's mantissa (96 bits) and 10^scale (scale <= 28) fit in
    // 128 bits: reduced there, the ratio is built without the big-integer
    // gcd, which was most of its cost (issue 15).
    let (m, scale) = (d.mantissa(), d.scale());
    let Some(den) = 10u128.checked_pow(scale) else {
        return Rat::new(BigInt::from(m), BigInt::from(10u32).pow(scale));
    };
    let g = gcd_u128(m.unsigned_abs(), den);
    let num = m / g as i128;
    Rat::new_raw(BigInt::from(num), BigInt::from(den / g))
}

/// `a x b`, exactly; in machine integers when they fit (issue 15).
pub fn mul(a: &Rat, b: &Rat) -> Rat {
    small::mul(a, b).unwrap_or_else(|| a * b)
}

/// `a / b`, exactly; in machine integers when they fit (issue 15).
pub fn div(a: &Rat, b: &Rat) -> Rat {
    small::div(a, b).unwrap_or_else(|| a / b)
}

/// `a + b`, exactly; in machine integers when they fit (issue 15).
pub fn add(a: &Rat, b: &Rat) -> Rat {
    small::add(a, b).unwrap_or_else(|| a + b)
}

/// `a - b`, exactly; in machine integers when they fit (issue 15).
pub fn sub(a: &Rat, b: &Rat) -> Rat {
    small::sub(a, b).unwrap_or_else(|| a - b)
}

/// The exact sum; in machine integers while it fits (issue 15: a
/// statement sums thousands of line amounts).
pub fn sum<'a>(values: impl IntoIterator<Item = &'a Rat>) -> Rat {
    let mut total = Rat::zero();
    for v in values {
        total = small::add(&total, v).unwrap_or_else(|| &total + v);
    }
    total
}

/// `n / d` as a reduced ratio (`d` not zero).
pub fn ratio(n: i128, d: i128) -> Rat {
    small::ratio(n, d).unwrap_or_else(|| Rat::new(BigInt::from(n), BigInt::from(d)))
}

pub fn hundred() -> Rat {
    rat_int(100)
}

fn pow10(places: u32) -> BigInt {
    BigInt::from(10u32).pow(places)
}

/// Rounding modes named by `credit.rounding.mode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoundMode {
    /// Half away from zero.
    HalfUp,
    /// Half to the even neighbour (banker's rounding).
    HalfEven,
    /// Toward zero (truncate).
    Down,
    /// Away from zero.
    Up,
}

impl RoundMode {
    pub fn name(self) -> &'static str {
        match self {
            RoundMode::HalfUp => "half_up",
            RoundMode::HalfEven => "half_even",
            RoundMode::Down => "down",
            RoundMode::Up => "up",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "half_up" => RoundMode::HalfUp,
            "half_even" => RoundMode::HalfEven,
            "down" => RoundMode::Down,
            "up" => RoundMode::Up,
            _ => return None,
        })
    }
}

/// |value| x 10^places as quotient and remainder over the value's
/// denominator (positive in a reduced ratio), and the value's sign. Plain
/// integer division: no ratio is built, so no gcd is taken (issue 15: the
/// trace formats thousands of values).
fn scaled_parts(value: &Rat, places: u32) -> (BigInt, BigInt, bool) {
    let negative = value.is_negative();
    let n = value.numer().abs() * pow10(places);
    let (q, r) = n.div_rem(value.denom());
    (q, r, negative)
}

/// Whether a magnitude `q` with remainder `r` over `d` rounds up (away
/// from zero) in `mode`.
fn rounds_up(q: &BigInt, r: &BigInt, d: &BigInt, mode: RoundMode) -> bool {
    let twice = || r << 1u32;
    match mode {
        RoundMode::Down => false,
        RoundMode::Up => !r.is_zero(),
        RoundMode::HalfUp => twice() >= *d,
        RoundMode::HalfEven => {
            let t = twice();
            t > *d || (t == *d && q.is_odd())
        }
    }
}

/// [`rounded_scaled`] in machine integers, when the scaled numerator fits.
fn rounded_scaled_small(value: &Rat, places: u32, mode: RoundMode) -> Option<i128> {
    let (n, d) = small::parts(value)?;
    let scaled = n.unsigned_abs().checked_mul(10u128.checked_pow(places)?)?;
    let d = d.unsigned_abs();
    let (q, r) = (scaled / d, scaled % d);
    // r < d <= i128::MAX, so twice r fits.
    let twice = r << 1;
    let up = match mode {
        RoundMode::Down => false,
        RoundMode::Up => r != 0,
        RoundMode::HalfUp => twice >= d,
        RoundMode::HalfEven => twice > d || (twice == d && q % 2 == 1),
    };
    let mag = i128::try_from(q + u128::from(up)).ok()?;
    Some(if n < 0 { -mag } else { mag })
}

/// The rounded value x 10^places, signed.
fn rounded_scaled(value: &Rat, places: u32, mode: RoundMode) -> BigInt {
    match rounded_scaled_small(value, places, mode) {
        Some(v) => BigInt::from(v),
        None => rounded_scaled_big(value, places, mode),
    }
}

fn rounded_scaled_big(value: &Rat, places: u32, mode: RoundMode) -> BigInt {
    let (q, r, negative) = scaled_parts(value, places);
    let mag = if rounds_up(&q, &r, value.denom(), mode) {
        q + BigInt::one()
    } else {
        q
    };
    if negative {
        -mag
    } else {
        mag
    }
}

/// Rounds an exact value to `places` decimals in `mode`.
pub fn round(value: &Rat, places: u32, mode: RoundMode) -> Rat {
    let small = rounded_scaled_small(value, places, mode)
        .zip(10i128.checked_pow(places))
        .and_then(|(v, scale)| small::ratio(v, scale));
    if let Some(r) = small {
        return r;
    }
    Rat::new(rounded_scaled(value, places, mode), pow10(places))
}

pub fn ceil(value: &Rat) -> BigInt {
    value.numer().div_ceil(value.denom())
}

/// True when the value has a finite decimal expansion.
pub fn terminates(r: &Rat) -> Option<u32> {
    match r.denom().to_u128().filter(|d| *d != 0) {
        Some(d) => terminates_small(d),
        None => terminates_big(r),
    }
}

fn terminates_small(d: u128) -> Option<u32> {
    {
        let twos = d.trailing_zeros();
        let (mut d, mut fives) = (d >> twos, 0u32);
        while d % 5 == 0 {
            d /= 5;
            fives += 1;
        }
        (d == 1).then_some(twos.max(fives))
    }
}

fn terminates_big(r: &Rat) -> Option<u32> {
    let mut d = r.denom().clone();
    let (mut twos, mut fives) = (0u32, 0u32);
    let two = BigInt::from(2);
    let five = BigInt::from(5);
    while (&d % &two).is_zero() {
        d /= &two;
        twos += 1;
    }
    while (&d % &five).is_zero() {
        d /= &five;
        fives += 1;
    }
    d.is_one().then_some(twos.max(fives))
}

/// Places used when an unrounded value does not terminate. The spec asks
/// for at least 10 exact places; 20 leaves no doubt.
pub const UNROUNDED_PLACES: u32 = 20;

/// Prints an exact value with at least `min_places` decimals: exactly when it
/// terminates, otherwise rounded half-even to [`UNROUNDED_PLACES`].
pub fn fmt_rat(r: &Rat, min_places: u32) -> String {
    let exact = terminates(r);
    let places = match exact {
        Some(p) => p.max(min_places),
        None => UNROUNDED_PLACES.max(min_places),
    };
    let mut s = fmt_fixed(r, places);
    if exact.is_none() {
        // Trailing zeros of a cut value carry no information.
        while s.contains('.') && s.ends_with('0') && decimals(&s) > min_places as usize {
            s.pop();
        }
    }
    s
}

fn decimals(s: &str) -> usize {
    s.split_once('.').map_or(0, |(_, f)| f.len())
}

/// Prints a value with exactly `places` decimals (rounding half-even if it
/// has more).
pub fn fmt_fixed(r: &Rat, places: u32) -> String {
    use std::fmt::Write;
    // One string, no intermediate ones: the trace prints tens of thousands
    // of values (issue 15).
    let p = places as usize;
    let mut out = String::with_capacity(p + 42);
    let written = match rounded_scaled_small(r, places, RoundMode::HalfEven) {
        Some(v) => {
            if v < 0 {
                out.push('-');
            }
            write!(out, "{}", v.unsigned_abs())
        }
        None => {
            let v = rounded_scaled_big(r, places, RoundMode::HalfEven);
            if v.is_negative() {
                out.push('-');
            }
            write!(out, "{}", v.abs())
        }
    };
    debug_assert!(written.is_ok(), "writing to a String does not fail");
    let start = usize::from(out.starts_with('-'));
    let digits = out.len() - start;
    if digits <= p {
        out.insert_str(start, &"0".repeat(p + 1 - digits));
    }
    if p > 0 {
        out.insert(out.len() - p, '.');
    }
    out
}

/// Prints a decimal keeping its written scale (`12500.00` stays `12500.00`).
pub fn fmt_dec(d: Decimal) -> String {
    d.to_string()
}

/// `1234567.5` -> `1,234,567.5`: thousands separators on the integer part of
/// a decimal string; the decimals are untouched (display never re-rounds).
pub fn group_thousands(s: &str) -> String {
    let (sign, rest) = s.strip_prefix('-').map_or(("", s), |r| ("-", r));
    let (int, frac) = rest
        .split_once('.')
        .map_or((rest, None), |(i, f)| (i, Some(f)));
    let mut out = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    match frac {
        Some(f) => format!("{sign}{out}.{f}"),
        None => format!("{sign}{out}"),
    }
}

/// Pads a decimal string with zeros to `places` decimals; a value with more
/// decimals is shown as it is (never rounded for display).
pub fn pad_places(s: &str, places: u32) -> String {
    let have = s.split_once('.').map_or(0, |(_, f)| f.len());
    let want = places as usize;
    match (have, s.contains('.')) {
        (h, _) if h >= want => s.to_string(),
        (h, true) => format!("{s}{}", "0".repeat(want - h)),
        (_, false) => format!("{s}.{}", "0".repeat(want)),
    }
}

pub fn rat_to_i64(r: &Rat) -> Option<i64> {
    if r.is_integer() {
        r.to_integer().to_i64()
    } else {
        None
    }
}

pub fn dec_from_str_unchecked(s: &str) -> Decimal {
    Decimal::from_str(s).expect("literal decimal")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(n: i64, d: i64) -> Rat {
        Rat::new(BigInt::from(n), BigInt::from(d))
    }

    #[test]
    fn issue15_a_decimal_reduced_in_machine_integers_is_the_reduced_ratio() {
        for text in [
            "0",
            "0.000",
            "1",
            "-1",
            "99.95",
            "12500.00",
            "-0.5",
            "0.0000000000000000000000000001",
            "79228162514643.264337593543950335",
            "-79228162514264337593543950335",
            "1024.000",
            "0.125",
            "3.1416",
        ] {
            let d: Decimal = text.parse().unwrap();
            let slow = Rat::new(
                BigInt::from(d.mantissa()),
                BigInt::from(10u32).pow(d.scale()),
            );
            let fast = rat(d);
            assert_eq!(fast, slow, "{text}");
            // Reduced as `Rat::new` reduces: the same numerator and denominator.
            assert_eq!(
                (fast.numer(), fast.denom()),
                (slow.numer(), slow.denom()),
                "{text}"
            );
        }
    }

    #[test]
    fn parse_decimal_is_strict() {
        assert_eq!(parse_decimal("99.95").unwrap().to_string(), "99.95");
        assert_eq!(parse_decimal("12500.00").unwrap().to_string(), "12500.00");
        for bad in ["", ".5", "5.", "1e3", "1,000", "NaN", "9 9", "--1"] {
            assert!(parse_decimal(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn rounding_modes_on_halves_and_thirds() {
        let cases = [
            (r(5, 1000), RoundMode::HalfUp, "0.01"),
            (r(5, 1000), RoundMode::HalfEven, "0.00"),
            (r(15, 1000), RoundMode::HalfEven, "0.02"),
            (r(1, 3), RoundMode::Up, "0.34"),
            (r(2, 3), RoundMode::Down, "0.66"),
            (r(2, 3), RoundMode::HalfUp, "0.67"),
            (r(500, 1), RoundMode::Down, "500.00"),
        ];
        for (v, mode, want) in cases {
            assert_eq!(fmt_fixed(&round(&v, 2, mode), 2), want, "{v} {mode:?}");
        }
    }

    #[test]
    fn formatting_is_exact_or_cut_at_twenty_places() {
        assert_eq!(fmt_rat(&r(1250, 1), 0), "1250");
        assert_eq!(fmt_rat(&r(12500, 1), 2), "12500.00");
        assert_eq!(fmt_rat(&r(1, 8), 0), "0.125");
        assert_eq!(fmt_rat(&r(1, 3), 0), "0.33333333333333333333");
        assert_eq!(fmt_rat(&r(-3, 2), 0), "-1.5");
        assert_eq!(fmt_fixed(&r(99627576, 1000000), 6), "99.627576");
        assert_eq!(fmt_fixed(&r(-1, 20), 2), "-0.05");
        assert_eq!(fmt_fixed(&r(-1, 1000), 2), "0.00");
        assert_eq!(fmt_fixed(&r(0, 1), 3), "0.000");
        assert_eq!(fmt_fixed(&r(-7, 2), 0), "-4");
        assert_eq!(fmt_fixed(&r(123, 1), 1), "123.0");
    }

    /// The rounding before issue 15 made it integer division: the same
    /// value for every ratio, place count and mode.
    fn round_by_ratios(value: &Rat, places: u32, mode: RoundMode) -> Rat {
        let scale = pow10(places);
        let scaled = value * Rat::from_integer(scale.clone());
        let negative = scaled.is_negative();
        let abs = scaled.abs();
        let floor = abs.numer().div_floor(abs.denom());
        let rem = &abs - Rat::from_integer(floor.clone());
        let half = Rat::new(BigInt::one(), BigInt::from(2));
        let up = match mode {
            RoundMode::Down => false,
            RoundMode::Up => !rem.is_zero(),
            RoundMode::HalfUp => rem >= half,
            RoundMode::HalfEven => rem > half || (rem == half && floor.is_odd()),
        };
        let mag = if up { floor + BigInt::one() } else { floor };
        Rat::new(if negative { -mag } else { mag }, scale)
    }

    #[test]
    fn issue15_integer_rounding_equals_the_ratio_rounding() {
        let modes = [
            RoundMode::HalfUp,
            RoundMode::HalfEven,
            RoundMode::Down,
            RoundMode::Up,
        ];
        for n in -150..=150 {
            for d in 1..=40 {
                let v = r(n, d);
                for places in 0..=3 {
                    for mode in modes {
                        let want = round_by_ratios(&v, places, mode);
                        assert_eq!(round(&v, places, mode), want, "{v} {places} {mode:?}");
                    }
                    let shown = round_by_ratios(&v, places, RoundMode::HalfEven);
                    let old = (shown * Rat::from_integer(pow10(places))).to_integer();
                    assert_eq!(rounded_scaled(&v, places, RoundMode::HalfEven), old);
                }
            }
        }
    }

    #[test]
    fn issue15_machine_integer_rounding_and_expansion_equal_the_big_integer_ones() {
        let modes = [
            RoundMode::HalfUp,
            RoundMode::HalfEven,
            RoundMode::Down,
            RoundMode::Up,
        ];
        let mut values: Vec<Rat> = Vec::new();
        for n in [-2_678_401i64, -7, -1, 0, 1, 2, 5, 99_627_576, 2_678_400] {
            for d in [1i64, 2, 3, 7, 8, 10, 125, 640, 2_678_400, 1_000_000] {
                values.push(r(n, d));
            }
        }
        for v in &values {
            for places in [0, 1, 2, 6, 20] {
                for mode in modes {
                    let small = rounded_scaled_small(v, places, mode).map(BigInt::from);
                    assert_eq!(small, Some(rounded_scaled_big(v, places, mode)), "{v}");
                }
            }
            let d = v.denom().to_u128().unwrap();
            assert_eq!(terminates_small(d), terminates_big(v), "{v}");
        }
        // Past 128 bits the big integers answer, and agree with the rest.
        let huge = Rat::new(BigInt::from(u128::MAX) * 3, BigInt::from(7));
        assert_eq!(rounded_scaled_small(&huge, 2, RoundMode::HalfEven), None);
        assert_eq!(
            fmt_fixed(&huge, 2),
            "145835300108973627198589117470757804909.29"
        );
        assert_eq!(terminates(&huge), None);
    }

    #[test]
    fn issue15_a_machine_integer_sum_is_the_big_integer_sum() {
        let values = [r(1, 3), r(-5, 7), r(2_678_400, 1), r(9995, 100), r(0, 1)];
        let want: Rat = values.iter().sum();
        assert_eq!(sum(values.iter()), want);
        // Past 128 bits the rest is summed with big integers.
        let huge = [Rat::from_integer(BigInt::from(i128::MAX)), r(1, 2), r(1, 3)];
        let want: Rat = huge.iter().sum();
        assert_eq!(sum(huge.iter()), want);
        assert_eq!(sum([].iter()), Rat::zero());
    }

    #[test]
    fn decimals_convert_exactly() {
        assert_eq!(rat(parse_decimal("0.1").unwrap()), r(1, 10));
        assert_eq!(rat(parse_decimal("-2.50").unwrap()), r(-5, 2));
    }
}
