//! Division of exact decimals, giving bit for bit what `rust_decimal` gives
//! (`Decimal::checked_div`), in fewer steps for the divisions a tariff makes.
//!
//! A tariff divides an amount or a long quotient by a small number (places,
//! places × occupancy, days in a year). `rust_decimal` walks such a division in
//! 32-bit limbs, nine digits at a time; [`divide`] computes the same figure on
//! native 64- and 128-bit integers when the divisor's mantissa fits in 32 bits,
//! and hands every other division (and a zero divisor) to `checked_div`.
//!
//! The digits and the scale of a quotient depend on details of `rust_decimal`'s
//! algorithm (1.43, `ops/div.rs`), and an output file shows both (`0.50` is
//! not `0.5`). What it comes to:
//!
//! - the integer quotient first; when it is exact and the scale is not
//!   negative it is the result as it stands (`6000 / 8` is `750`, `1.0 / 2` is
//!   `0.5`, `1.50 / 1` is `1.50`);
//! - otherwise more digits, at most nine at a time, as many as `find_scale`
//!   allows — exactly as many as fit in 96 bits, up to scale 28 — until the
//!   remainder is zero or no digit fits; the last digit is rounded half to
//!   even, and a quotient carried to 2^96 by a chunk of digits or by the
//!   rounding is divided by ten again, rounded half to even with the
//!   remainder as a sticky bit ([`unscale_from_overflow`]). When no chunk ends
//!   with a zero remainder this is the quotient with the most digits that fit,
//!   rounded once: [`all_digits`] computes it in one step;
//! - when a chunk does end with a zero remainder, where it ends decides how
//!   many trailing zeros the quotient has (`1 / 2` is 500000000 × 10^-9):
//!   [`first_chunk`] finds the common case, [`by_chunks`] takes the steps of
//!   `rust_decimal` one for one;
//! - trailing zeros are then removed from a quotient that had a remainder, and
//!   only as `unscale` removes them: eight at a time only while the low 32 bits
//!   are zero, then four, two and one at most once each ([`trim`]), so that
//!   `1 / 2` is `0.50`.
//!
//! The tests compare every result with `checked_div`'s byte for byte
//! (`serialize`), over tricky numbers, millions of pseudo-random pairs and the
//! quotients that round at the last digit.

use rust_decimal::Decimal;

/// The largest scale a decimal has.
const MAX_SCALE: i32 = 28;

/// 10^0 to 10^9: a quotient takes at most nine more digits at a time.
const POWERS_10: [u64; 10] = [
    1,
    10,
    100,
    1_000,
    10_000,
    100_000,
    1_000_000,
    10_000_000,
    100_000_000,
    1_000_000_000,
];

/// 10^0 to 10^38: every power of ten below 2^128.
const POWERS_10_WIDE: [u128; 39] = {
    let mut powers = [1; 39];
    let mut k = 1;
    while k < 39 {
        powers[k] = powers[k - 1] * 10;
        k += 1;
    }
    powers
};

/// The largest mantissas that can be multiplied by 10^0 … 10^28 and still fit
/// in 96 bits: (2^96 - 1) / 10^k.
const ROOM: [u128; 29] = {
    let mut room = [0; 29];
    let mut k = 0;
    while k < 29 {
        room[k] = (MANTISSA_END - 1) / POWERS_10_WIDE[k];
        k += 1;
    }
    room
};

/// For each length in bits of a mantissa (0 to 96), the most digits every
/// mantissa of that length can take and still fit in 96 bits.
const ROOM_BY_LENGTH: [usize; 97] = {
    let mut room = [0; 97];
    let mut bits = 0;
    while bits <= 96 {
        let largest = (1u128 << bits) - 1;
        let mut k = 0;
        while k < MAX_SCALE as usize && largest <= ROOM[k + 1] {
            k += 1;
        }
        room[bits] = k;
        bits += 1;
    }
    room
};

/// For 5^1 … 5^8: its inverse modulo 2^128 and the largest quotient of a
/// 128-bit number by it. `n` is a multiple of the power exactly when
/// `n × inverse` (modulo 2^128) is at most that largest quotient, and the
/// product is then `n / 5^k` (Granlund and Montgomery's test of divisibility).
const FIVES: [(u128, u128); 9] = {
    let mut fives = [(0, 0); 9];
    let mut k = 1;
    while k < 9 {
        let power = 5u128.pow(k as u32);
        // Newton's iteration doubles the correct low bits: 3, 6, … 192.
        let mut inverse = power;
        let mut step = 0;
        while step < 6 {
            inverse = inverse.wrapping_mul(2u128.wrapping_sub(power.wrapping_mul(inverse)));
            step += 1;
        }
        fives[k] = (inverse, u128::MAX / power);
        k += 1;
    }
    fives
};

/// The largest 96-bit mantissas that can be multiplied by 10^1 … 10^8 and still
/// fit in 96 bits (`rust_decimal`'s `POWER_OVERFLOW_VALUES`), as (high 32 bits,
/// low 64 bits).
const OVERFLOW: [(u32, u64); 8] = [
    (429_496_729, (2_576_980_377 << 32) | 2_576_980_377),
    (42_949_672, (4_123_168_604 << 32) | 687_194_767),
    (4_294_967, (1_271_310_319 << 32) | 2_645_699_854),
    (429_496, (3_133_608_139 << 32) | 694_066_715),
    (42_949, (2_890_341_191 << 32) | 2_216_890_319),
    (4_294, (4_154_504_685 << 32) | 2_369_172_679),
    (429, (2_133_437_386 << 32) | 4_102_387_834),
    (42, (4_078_814_305 << 32) | 410_238_783),
];

/// 2^96: a mantissa is below it.
const MANTISSA_END: u128 = 1 << 96;

/// `a / b` exactly as `a.checked_div(b)` gives it: nothing for a zero divisor
/// or an overflow, else the same mantissa, scale and sign.
pub(crate) fn divide(a: Decimal, b: Decimal) -> Option<Decimal> {
    let (divisor, divisor_scale, divisor_negative) = parts(b);
    if divisor[0] == 0 || divisor[1] | divisor[2] != 0 {
        return a.checked_div(b);
    }
    let (dividend, dividend_scale, dividend_negative) = parts(a);
    if dividend == [0; 3] {
        return Some(Decimal::ZERO);
    }
    let dividend =
        u128::from(dividend[0]) | u128::from(dividend[1]) << 32 | u128::from(dividend[2]) << 64;
    let negative = dividend_negative != divisor_negative;
    let divisor = u64::from(divisor[0]);
    let scale = dividend_scale - divisor_scale;

    // The integer quotient, as `Buf12::div32` computes it.
    let (quotient, remainder) = long_division(dividend, divisor);
    let (quotient, scale) = if remainder == 0 && scale >= 0 {
        (quotient, scale)
    } else if remainder == 0 {
        by_chunks(quotient, 0, divisor, scale)?
    } else if quotient == 0 {
        // Below one: `all_digits` counts the digits from the integer part.
        chunks(quotient, remainder, divisor, scale)?
    } else {
        match all_digits(quotient, remainder, divisor, scale) {
            Digits::Rounded(quotient, scale) => trim(quotient, scale),
            Digits::Exact => chunks(quotient, remainder, divisor, scale)?,
            Digits::Overflow => return None,
        }
    };
    Some(decimal(quotient, negative, scale))
}

/// What [`all_digits`] found.
enum Digits {
    /// The rounded quotient and its scale, before trailing zeros are removed.
    Rounded(u128, i32),
    /// The division comes out exact: the number of digits, and so of trailing
    /// zeros, depends on where a chunk of digits ended.
    Exact,
    /// The quotient does not fit.
    Overflow,
}

/// The quotient of a division with a remainder, in one step from its integer
/// part: as many digits as fit in 96 bits, at a scale of at most 28, the last
/// rounded half to even — which is what the chunks of `rust_decimal` come to
/// when none of them ends with a zero remainder (the remainder at the last
/// digit is not zero).
///
/// `rust_decimal` adds at each step as many digits as `find_scale` allows,
/// which is exactly as many as fit (at most nine) or up to scale 28, and then
/// rounds the last; when a step's digits carry the quotient to 2^96, it divides
/// by ten again with the remainder as a sticky bit. Either way the figure is
/// the quotient with the most digits that fit, rounded half to even: one more
/// digit than the integer part leaves room for never fits, and as many as it
/// leaves room for fit or carry it to 2^96 and are divided by ten again.
fn all_digits(integer: u128, remainder: u64, divisor: u64, scale: i32) -> Digits {
    // The most digits the integer part leaves room for: as many as every
    // number of its length does, or one more.
    let mut k = ROOM_BY_LENGTH[(128 - integer.leading_zeros()) as usize];
    if k < MAX_SCALE as usize && integer <= ROOM[k + 1] {
        k += 1;
    }
    debug_assert!(k == MAX_SCALE as usize || integer > ROOM[k + 1]);
    let k = k.min((MAX_SCALE - scale) as usize);
    let scale = scale + k as i32;
    // The remainder is below 2^32 and 10^k below 2^96.
    let (digits, remainder) = long_division(u128::from(remainder) * POWERS_10_WIDE[k], divisor);
    if remainder == 0 {
        return Digits::Exact;
    }
    let mut quotient = integer * POWERS_10_WIDE[k] + digits;
    if quotient >= MANTISSA_END {
        return match unscale_from_overflow(quotient, scale, true) {
            Some((quotient, scale)) => Digits::Rounded(quotient, scale),
            None => Digits::Overflow,
        };
    }
    if scale < 0 {
        return Digits::Overflow;
    }
    let twice = remainder << 1;
    if twice > divisor || (twice == divisor && quotient & 1 == 1) {
        quotient += 1;
        if quotient == MANTISSA_END {
            return match unscale_from_overflow(quotient, scale, true) {
                Some((quotient, scale)) => Digits::Rounded(quotient, scale),
                None => Digits::Overflow,
            };
        }
    }
    Digits::Rounded(quotient, scale)
}

/// The digits after the integer part as `rust_decimal` adds them, chunk by
/// chunk: [`first_chunk`] when it makes the quotient exact, else
/// [`by_chunks`].
#[inline(always)]
fn chunks(integer: u128, remainder: u64, divisor: u64, scale: i32) -> Option<(u128, i32)> {
    match first_chunk(integer, remainder, divisor, scale) {
        Some(exact) => Some(trim(exact, scale + 9)),
        None => by_chunks(integer, remainder, divisor, scale),
    }
}

/// The quotient when the first chunk of digits `rust_decimal` adds (nine, to
/// an integer quotient below 2^64 at a scale from -9 to 19) makes it exact;
/// nothing otherwise.
fn first_chunk(integer: u128, remainder: u64, divisor: u64, scale: i32) -> Option<u128> {
    if integer >> 64 != 0 || !(-9..=MAX_SCALE - 9).contains(&scale) {
        return None;
    }
    // The remainder is below 2^32: no overflow.
    let (digits, remainder) = div_rem(remainder * POWERS_10[9], divisor);
    (remainder == 0).then(|| integer * u128::from(POWERS_10[9]) + u128::from(digits))
}

/// `n / divisor` and its remainder, for a quotient below 2^96, the divisor
/// below 2^32: one 64-bit division for `n` below 2^64, two below 2^96, else
/// three.
fn long_division(n: u128, divisor: u64) -> (u128, u64) {
    if n >> 64 == 0 {
        let (quotient, remainder) = div_rem(n as u64, divisor);
        return (u128::from(quotient), remainder);
    }
    let (top, high) = if n >> 96 == 0 {
        let (quotient, remainder) = div_rem((n >> 32) as u64, divisor);
        (u128::from(quotient) << 32, remainder)
    } else {
        let (first, high) = div_rem((n >> 64) as u64, divisor);
        let (second, middle) = div_rem((high << 32) | ((n >> 32) as u32 as u64), divisor);
        (
            (u128::from(first) << 64) | (u128::from(second) << 32),
            middle,
        )
    };
    let (low, remainder) = div_rem((high << 32) | (n as u32 as u64), divisor);
    (top | u128::from(low), remainder)
}

/// `n / divisor` and `n % divisor` with one division instruction (the
/// compiler, which tries a 32-bit division first when it can, may otherwise
/// divide twice).
fn div_rem(n: u64, divisor: u64) -> (u64, u64) {
    let quotient = n / divisor;
    (quotient, n - quotient * divisor)
}

/// `rust_decimal`'s `div_remainder_32`, step for step: more digits, as many
/// at a time as [`find_scale`] allows, while there is a remainder or the scale
/// is negative; trailing zeros removed if there was a remainder.
fn by_chunks(
    mut quotient: u128,
    mut remainder: u64,
    divisor: u64,
    mut scale: i32,
) -> Option<(u128, i32)> {
    let mut had_remainder = false;
    loop {
        let power_scale = if remainder == 0 {
            if scale >= 0 {
                break;
            }
            (-scale).min(9) as usize
        } else {
            had_remainder = true;
            let power_scale = if scale == MAX_SCALE {
                0
            } else {
                find_scale(quotient, scale)?
            };
            if power_scale == 0 {
                // No room for another digit: round the last one half to even.
                let twice = remainder << 1;
                if twice > divisor || (twice == divisor && quotient & 1 == 1) {
                    quotient += 1;
                    if quotient == MANTISSA_END {
                        (quotient, scale) = unscale_from_overflow(quotient, scale, true)?;
                    }
                }
                break;
            }
            power_scale
        };
        let power = POWERS_10[power_scale];
        scale += power_scale as i32;
        quotient *= u128::from(power);
        if quotient >= MANTISSA_END {
            return None;
        }
        // The remainder is below 2^32 and the power at most 10^9: no overflow.
        let digits;
        (digits, remainder) = div_rem(remainder * power, divisor);
        quotient += u128::from(digits);
        if quotient >= MANTISSA_END {
            (quotient, scale) = unscale_from_overflow(quotient, scale, remainder != 0)?;
            break;
        }
    }
    Some(if had_remainder {
        trim(quotient, scale)
    } else {
        (quotient, scale)
    })
}

/// A decimal's mantissa (its low, middle and high 32 bits), scale and sign.
/// (`order.rs` reads the same bytes as one 128-bit magnitude; this division
/// on that form measured 100 instructions more per offer, so each keeps its own.)
fn parts(d: Decimal) -> ([u32; 3], i32, bool) {
    let [f0, f1, f2, f3, l0, l1, l2, l3, m0, m1, m2, m3, h0, h1, h2, h3] = d.serialize();
    let flags = u32::from_le_bytes([f0, f1, f2, f3]);
    let mantissa = [
        u32::from_le_bytes([l0, l1, l2, l3]),
        u32::from_le_bytes([m0, m1, m2, m3]),
        u32::from_le_bytes([h0, h1, h2, h3]),
    ];
    (mantissa, ((flags >> 16) & 0xFF) as i32, flags >> 31 == 1)
}

/// The decimal of a mantissa below 2^96 and a scale from 0 to 28 (a zero has no
/// sign, as in `rust_decimal`).
fn decimal(mantissa: u128, negative: bool, scale: i32) -> Decimal {
    Decimal::from_parts(
        mantissa as u32,
        (mantissa >> 32) as u32,
        (mantissa >> 64) as u32,
        negative,
        scale as u32,
    )
}

/// How many digits (0 to 9) the quotient can take next so that it stays below
/// 2^96 and its scale at most 28; nothing when the scale would stay negative.
/// `Buf12::find_scale`, threshold for threshold: it may say one digit fewer
/// than would fit.
fn find_scale(quotient: u128, scale: i32) -> Option<usize> {
    let hi = (quotient >> 64) as u32;
    let low = quotient as u64;
    if hi > OVERFLOW[0].0 {
        return if scale < 0 { None } else { Some(0) };
    }
    if scale > MAX_SCALE - 9 {
        let x = (MAX_SCALE - scale) as usize;
        if hi < OVERFLOW[x - 1].0 {
            return Some(x);
        }
    } else if hi < 4 || (hi == 4 && low <= 5_441_186_219_426_131_129) {
        return Some(9);
    }
    let mut x = if hi > OVERFLOW[4].0 {
        if hi > OVERFLOW[2].0 {
            if hi > OVERFLOW[1].0 {
                1
            } else {
                2
            }
        } else if hi > OVERFLOW[3].0 {
            3
        } else {
            4
        }
    } else if hi > OVERFLOW[6].0 {
        if hi > OVERFLOW[5].0 {
            5
        } else {
            6
        }
    } else if hi > OVERFLOW[7].0 {
        7
    } else {
        8
    };
    if hi == OVERFLOW[x - 1].0 && low > OVERFLOW[x - 1].1 {
        x -= 1;
    }
    if x as i32 + scale < 0 {
        None
    } else {
        Some(x)
    }
}

/// A quotient that reached 2^96 (below 2^96 + 2^32) divided by ten, rounded
/// half to even, a remainder left over (`sticky`) counting as more than half;
/// nothing when the scale cannot go down.
fn unscale_from_overflow(value: u128, scale: i32, sticky: bool) -> Option<(u128, i32)> {
    if scale < 1 {
        return None;
    }
    let (mut quotient, digit) = (value / 10, value % 10);
    if digit > 5 || (digit == 5 && (sticky || quotient & 1 == 1)) {
        quotient += 1;
    }
    Some((quotient, scale - 1))
}

/// `unscale`: trailing zeros removed, eight at a time only while the low 32
/// bits are zero, then four, two and one at most once each — so that some
/// zeros may stay.
fn trim(mut quotient: u128, mut scale: i32) -> (u128, i32) {
    // Each zero removed is a factor 5, and most quotients have none: a
    // quotient is a multiple of 5 when the sum of its 32-bit parts is
    // (2^32 is 1 more than a multiple of 5).
    let parts = u64::from(quotient as u32)
        + u64::from((quotient >> 32) as u32)
        + u64::from((quotient >> 64) as u32);
    if parts % 5 != 0 {
        return (quotient, scale);
    }
    while quotient as u32 == 0 && scale >= 8 {
        match without_zeros(quotient, 8) {
            Some(q) => quotient = q,
            None => break,
        }
        scale -= 8;
    }
    for (places, mask) in [(4, 0xF), (2, 0x3), (1, 0x1)] {
        if quotient as u32 & mask == 0 && scale >= places as i32 {
            if let Some(q) = without_zeros(quotient, places) {
                quotient = q;
                scale -= places as i32;
            }
        }
    }
    (quotient, scale)
}

/// `n / 10^places` when `n` (a multiple of 2^places) is a multiple of
/// 10^places: without a division, by the inverse of 5^places.
fn without_zeros(n: u128, places: usize) -> Option<u128> {
    let (inverse, largest) = FIVES[places];
    let quotient = (n >> places).wrapping_mul(inverse);
    (quotient <= largest).then_some(quotient)
}

#[cfg(test)]
pub(crate) mod tests;
