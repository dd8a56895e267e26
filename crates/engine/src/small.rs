//! Exact ratios in machine integers (issue 15). A month's values (seconds,
//! fees and percents with a few decimals) have numerators and denominators
//! far inside 128 bits, where a gcd costs a few dozen instructions instead
//! of a big-integer loop; the ratios' own arithmetic took a gcd at every
//! step and was a third of a 2,000-SLA month. Each function gives the same
//! reduced ratio as the big-integer arithmetic, or `None` when a value or
//! step does not fit, and the caller does it with big integers.

use crate::num::Rat;
use num_bigint::BigInt;
use num_traits::ToPrimitive;

/// Binary gcd; `gcd(0, d) = d`.
pub(crate) fn gcd_u128(mut a: u128, mut b: u128) -> u128 {
    if a == 0 {
        return b;
    }
    if b == 0 {
        return a;
    }
    let shift = (a | b).trailing_zeros();
    a >>= a.trailing_zeros();
    loop {
        b >>= b.trailing_zeros();
        if a > b {
            std::mem::swap(&mut a, &mut b);
        }
        b -= a;
        if b == 0 {
            return a << shift;
        }
    }
}

/// A reduced ratio's numerator and (positive) denominator, when both fit.
pub(crate) fn parts(r: &Rat) -> Option<(i128, i128)> {
    Some((r.numer().to_i128()?, r.denom().to_i128()?))
}

/// `n / d` reduced, the denominator positive, as `Rat::new` makes it.
/// `None` for a zero denominator (the big-integer path panics on it, as
/// it always did) or where a sign change would overflow.
pub(crate) fn ratio(n: i128, d: i128) -> Option<Rat> {
    if d == 0 {
        return None;
    }
    let g = gcd_u128(n.unsigned_abs(), d.unsigned_abs()) as i128;
    // g divides both, so the quotients fit; only negating i128::MIN could not.
    let (mut n, mut d) = (n / g, d / g);
    if d < 0 {
        n = n.checked_neg()?;
        d = d.checked_neg()?;
    }
    Some(Rat::new_raw(BigInt::from(n), BigInt::from(d)))
}

pub(crate) fn mul(a: &Rat, b: &Rat) -> Option<Rat> {
    let ((an, ad), (bn, bd)) = (parts(a)?, parts(b)?);
    ratio(an.checked_mul(bn)?, ad.checked_mul(bd)?)
}

pub(crate) fn div(a: &Rat, b: &Rat) -> Option<Rat> {
    let ((an, ad), (bn, bd)) = (parts(a)?, parts(b)?);
    ratio(an.checked_mul(bd)?, ad.checked_mul(bn)?)
}

pub(crate) fn add(a: &Rat, b: &Rat) -> Option<Rat> {
    let ((an, ad), (bn, bd)) = (parts(a)?, parts(b)?);
    let n = an.checked_mul(bd)?.checked_add(bn.checked_mul(ad)?)?;
    ratio(n, ad.checked_mul(bd)?)
}

pub(crate) fn sub(a: &Rat, b: &Rat) -> Option<Rat> {
    let ((an, ad), (bn, bd)) = (parts(a)?, parts(b)?);
    let n = an.checked_mul(bd)?.checked_sub(bn.checked_mul(ad)?)?;
    ratio(n, ad.checked_mul(bd)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(n: i128, d: i128) -> Rat {
        Rat::new(BigInt::from(n), BigInt::from(d))
    }

    /// Same numerator and denominator, not just an equal value: the trace
    /// and the JSON print them.
    fn same(got: Option<Rat>, want: Rat, what: &str) {
        let got = got.unwrap_or_else(|| panic!("{what}: no machine-integer result"));
        assert_eq!(
            (got.numer(), got.denom()),
            (want.numer(), want.denom()),
            "{what}"
        );
    }

    #[test]
    fn issue15_machine_integer_ratios_are_the_big_integer_ratios() {
        let values = [
            r(0, 1),
            r(1, 1),
            r(-1, 1),
            r(9995, 100),
            r(-7, 3),
            r(2_678_400, 1),
            r(1, 2_678_400),
            r(123_456_789, 1_000_000),
            r(-5, 8),
        ];
        for a in &values {
            for b in &values {
                same(mul(a, b), a * b, &format!("{a} * {b}"));
                same(add(a, b), a + b, &format!("{a} + {b}"));
                same(sub(a, b), a - b, &format!("{a} - {b}"));
                if *b != r(0, 1) {
                    same(div(a, b), a / b, &format!("{a} / {b}"));
                }
            }
        }
        same(ratio(6, -4), r(-3, 2), "6 / -4");
        assert_eq!(div(&r(1, 1), &r(0, 1)), None);
    }

    #[test]
    fn issue15_what_does_not_fit_is_left_to_big_integers() {
        let huge = r(i128::MAX, 1);
        assert_eq!(mul(&huge, &r(2, 1)), None);
        assert_eq!(add(&huge, &r(1, 1)), None);
        assert_eq!(ratio(i128::MIN, -1), None);
        let beyond = Rat::new(BigInt::from(u128::MAX) * 4, BigInt::from(3));
        assert_eq!(parts(&beyond), None);
        assert_eq!(gcd_u128(0, 0), 0);
        assert_eq!(gcd_u128(12, 18), 6);
        assert_eq!(gcd_u128(7, 0), 7);
    }
}
