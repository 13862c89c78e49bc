//! [`divide`] against `checked_div`, compared byte for byte (`serialize`), so
//! that a different scale or sign of zero fails as a different digit does.

use super::*;

/// Fails, naming the pair, unless `divide` gives what `checked_div` gives.
#[track_caller]
fn same(a: Decimal, b: Decimal) {
    let ours = divide(a, b).map(|d| d.serialize());
    let theirs = a.checked_div(b).map(|d| d.serialize());
    assert_eq!(
        ours,
        theirs,
        "{a:?} / {b:?} (scales {} and {}): {:?} instead of {:?}",
        a.scale(),
        b.scale(),
        divide(a, b),
        a.checked_div(b)
    );
}

/// A decimal of a mantissa below 2^96.
fn dec(mantissa: u128, scale: u32, negative: bool) -> Decimal {
    decimal(mantissa, negative, scale as i32)
}

/// Zero with its sign bit set, as `deserialize` can make it.
fn negative_zero(scale: u32) -> Decimal {
    let d = Decimal::deserialize([0, 0, scale as u8, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    assert!(d.is_sign_negative() && d.is_zero());
    d
}

pub(crate) fn tricky() -> Vec<Decimal> {
    let mut all = vec![
        Decimal::ZERO,
        Decimal::from_parts(0, 0, 0, true, 0),
        Decimal::from_parts(0, 0, 0, true, 5),
        negative_zero(0),
        negative_zero(7),
        negative_zero(28),
        dec(0, 2, false),
        Decimal::ONE,
        Decimal::from_parts(1, 0, 0, false, 28),
        Decimal::MAX,
        Decimal::MIN,
        dec(10, 1, false),
        dec(150, 2, false),
        dec(96, 1, false),
        dec(61, 3, false),
        dec(59_378_195, 1, false),
        dec(166_594, 2, false),
        dec(6000, 0, false),
        dec(365, 0, false),
        dec(366, 0, false),
        dec(3650, 1, false),
        dec(784, 0, false),
        dec(98, 0, false),
        dec(8, 0, false),
        dec(7, 0, false),
        dec(3, 0, false),
        dec(2, 0, false),
        dec(4, 0, false),
        dec(5, 0, false),
        dec(5, 1, false),
        dec(9_999_999_999, 2, false),
        dec(1_234_567_890_123, 2, false),
        dec(
            33_333_333_333_333_333_333_333_333_333 % MANTISSA_END,
            27,
            false,
        ),
        dec(
            28_571_428_571_428_571_428_571_428_571 % MANTISSA_END,
            28,
            false,
        ),
    ];
    for m in [
        (1u128 << 32) - 1,
        1 << 32,
        (1 << 32) + 1,
        (1 << 64) - 1,
        1 << 64,
        (1 << 64) + 1,
        MANTISSA_END - 1,
        MANTISSA_END - 2,
        MANTISSA_END / 10,
        MANTISSA_END / 10 + 1,
    ] {
        for scale in [0, 1, 2, 9, 19, 20, 27, 28] {
            all.push(dec(m, scale, false));
        }
    }
    for k in [0u32, 1, 2, 3, 8, 9, 10, 12, 19, 20, 27, 28] {
        let ten = 10u128.pow(k);
        all.push(dec(ten, 0, false));
        all.push(dec(ten, k, false));
        all.push(dec(5 * ten, 0, false));
        all.push(dec(5 * ten, 28u32.saturating_sub(k), false));
    }
    let negated: Vec<Decimal> = all.iter().map(|d| -*d).collect();
    all.extend(negated);
    all
}

#[test]
fn every_pair_of_tricky_numbers() {
    let all = tricky();
    assert!(all.len() > 120);
    eprintln!("{} pairs compared", all.len() * all.len());
    for &a in &all {
        for &b in &all {
            same(a, b);
        }
    }
}

#[test]
fn the_divisions_of_a_tariff() {
    let money = [
        dec(59_378_195, 1, false),
        dec(166_594, 2, false),
        dec(6000, 0, false),
        dec(36_500_000, 0, false),
        dec(123_456_789_012, 2, false),
    ];
    let divisors = [
        dec(784, 0, false),
        dec(98, 0, false),
        dec(8, 0, false),
        dec(96, 1, false),
        dec(365, 0, false),
        dec(366, 0, false),
        dec(4, 0, false),
        dec(2, 0, false),
        dec(100, 0, false),
    ];
    for a in money {
        for b in divisors {
            same(a, b);
            let q = divide(a, b).unwrap();
            for c in divisors {
                same(q, c);
            }
        }
    }
    // Exact divisions keep the dividend's scale, as `rust_decimal` does.
    assert_eq!(
        divide(dec(6000, 0, false), dec(8, 0, false)),
        Some(dec(750, 0, false))
    );
    assert_eq!(
        divide(dec(5, 0, false), dec(4, 0, false))
            .unwrap()
            .to_string(),
        "1.25"
    );
    assert_eq!(
        divide(dec(10, 1, false), dec(2, 0, false))
            .unwrap()
            .to_string(),
        "0.5"
    );
    assert_eq!(
        divide(dec(150, 2, false), dec(1, 0, false))
            .unwrap()
            .to_string(),
        "1.50"
    );
}

/// xorshift64*: a fixed sequence, no dependency.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// A mantissa of a random bit length from 0 to `bits`.
    fn mantissa(&mut self, bits: u32) -> u128 {
        let length = self.below(u64::from(bits) + 1) as u32;
        let wide = (u128::from(self.next()) << 64) | u128::from(self.next());
        if length == 0 {
            0
        } else {
            (wide >> (128 - length)) | (1 << (length - 1))
        }
    }

    fn scale(&mut self, up_to: u64) -> u32 {
        self.below(up_to + 1) as u32
    }

    fn sign(&mut self) -> bool {
        self.next() & 1 == 1
    }

    /// A dividend: any decimal, an amount, a long quotient or one near 2^96.
    fn dividend(&mut self) -> Decimal {
        let negative = self.sign();
        match self.below(10) {
            0..=3 => dec(self.mantissa(96), self.scale(28), negative),
            4 | 5 => dec(self.mantissa(40), self.scale(2), negative),
            6 | 7 => dec(
                MANTISSA_END - 1 - u128::from(self.next()) * u128::from(self.below(1 << 32)),
                18 + self.scale(10),
                negative,
            ),
            8 => dec(
                MANTISSA_END - 1 - u128::from(self.below(1000)),
                self.scale(28),
                negative,
            ),
            _ => dec(self.mantissa(64), self.scale(28), negative),
        }
    }

    /// A divisor: mostly one the fast path takes (32 bits), some not.
    fn divisor(&mut self) -> Decimal {
        const SMALL: [(u128, u32); 12] = [
            (365, 0),
            (366, 0),
            (784, 0),
            (98, 0),
            (8, 0),
            (96, 1),
            (2, 0),
            (3, 0),
            (7, 0),
            (10, 0),
            (3650, 1),
            (61, 3),
        ];
        let negative = self.sign();
        match self.below(10) {
            0..=2 => {
                let (m, s) = SMALL[self.below(SMALL.len() as u64) as usize];
                dec(m, s, negative)
            }
            3 | 4 => dec(self.mantissa(16), self.scale(4), negative),
            5..=7 => dec(self.mantissa(32), self.scale(28), negative),
            8 => dec(self.mantissa(64), self.scale(28), negative),
            _ => dec(self.mantissa(96), self.scale(28), negative),
        }
    }
}

/// The pairs a sweep compares: fewer in a debug build, which is slower.
fn sweep_count() -> u64 {
    if cfg!(debug_assertions) {
        2_000_000
    } else {
        20_000_000
    }
}

#[test]
fn a_sweep_of_random_pairs() {
    let mut random = Random(0x9E37_79B9_7F4A_7C15);
    let count = sweep_count();
    let mut compared = 0;
    while compared < count {
        let a = random.dividend();
        let b = random.divisor();
        same(a, b);
        // An exact division: the dividend a multiple of the divisor.
        let k = dec(random.mantissa(48), random.scale(6), random.sign());
        if let Some(product) = b.checked_mul(k) {
            same(product, b);
            compared += 1;
        }
        // A quotient divided again, as a tariff does.
        if let Some(q) = a.checked_div(b) {
            same(q, random.divisor());
            compared += 1;
        }
        same(
            random.dividend(),
            dec(random.mantissa(12), random.scale(2), false),
        );
        compared += 2;
    }
    eprintln!("{compared} pairs compared");
}

/// Quotients whose last digit is rounded: a remainder of exactly half (ties
/// to even), just over half, just under, and quotients that reach 2^96 while a
/// digit is added or the last digit is rounded up (divided by ten again).
#[test]
fn quotients_rounded_at_the_last_digit() {
    let divisors: [u128; 14] = [2, 3, 4, 7, 8, 16, 20, 98, 365, 366, 784, 999, 4096, 65_537];
    let scales = [0, 1, 9, 10, 18, 19, 20, 21, 26, 27, 28];
    let mut cases = 0;
    for &power in &POWERS_10[1..] {
        // The largest quotient that takes that many more digits, and its
        // neighbours.
        let power = u128::from(power);
        let top = (MANTISSA_END - 1) / power;
        for &b in divisors.iter().filter(|&&b| b < power) {
            // The remainder that carries the quotient to 2^96 - 1 and then
            // rounds it up, with its neighbours.
            let needed = MANTISSA_END - 1 - top * power;
            let carry = (needed * b + b / 2).div_ceil(power);
            let remainders = [
                0,
                1,
                b / 2 - 1,
                b / 2,
                b / 2 + 1,
                b - 1,
                carry - 1,
                carry,
                carry + 1,
            ];
            // Around it, and around the bounds `find_scale` tests on the
            // high 32 bits alone.
            let high = top >> 64 << 64;
            let low = [0, 1, top as u64 as u128, u128::from(u64::MAX)];
            let near = (top - 2..=top + 2)
                .chain(low.iter().map(|&l| high + (1 << 64) + l))
                .chain(low.iter().map(|&l| (high + l).saturating_sub(1 << 64)));
            for q in near {
                for &r in remainders.iter().filter(|&&r| r < b) {
                    let a = q * b + r;
                    if a >= MANTISSA_END {
                        continue;
                    }
                    for &sa in &scales {
                        for sb in [0, 1, 2] {
                            same(dec(a, sa, false), dec(b, sb, false));
                            same(dec(a, sa, true), dec(b, sb, false));
                            cases += 2;
                        }
                    }
                }
            }
        }
    }
    // Ties at the last place: an odd mantissa halved at the largest scale.
    for m in [
        1u128,
        3,
        5,
        7,
        25,
        35,
        MANTISSA_END - 1,
        MANTISSA_END - 3,
        MANTISSA_END - 5,
    ] {
        for scale in 0..=28 {
            same(dec(m, scale, false), dec(2, 0, false));
            same(dec(m, scale, false), dec(20, 1, false));
            same(dec(m, scale, false), dec(4, 0, false));
            same(dec(m, scale, false), dec(8, 0, false));
            cases += 4;
        }
    }
    assert!(cases > 50_000, "{cases}");
    eprintln!("{cases} pairs compared");
}

/// The digits each quirk of `rust_decimal` decides, written out, so that a
/// change that no longer reproduces one fails here by name too.
#[test]
fn the_quirks_of_rust_decimal() {
    // `unscale` removes eight zeros at a time only when the low 32 bits are
    // zero, and then at most four, two and one: 1 / 2 is 500000000e-9 before,
    // 0.50 after, while 1.0 / 2, exact, is 0.5.
    assert_eq!(
        divide(dec(1, 0, false), dec(2, 0, false))
            .unwrap()
            .to_string(),
        "0.50"
    );
    assert_eq!(
        divide(dec(3, 0, false), dec(2, 0, false))
            .unwrap()
            .to_string(),
        "1.50"
    );
    assert_eq!(
        divide(dec(10, 1, false), dec(2, 0, false))
            .unwrap()
            .to_string(),
        "0.5"
    );
    // The last digit is rounded half to even.
    let q = divide(dec(2, 0, false), dec(3, 0, false)).unwrap();
    assert_eq!(q.to_string(), "0.6666666666666666666666666667");
    // A quotient with 28 significant digits stops one short when
    // `find_scale` is not sure the next one fits.
    let q = divide(dec(MANTISSA_END - 1, 0, false), dec(7, 0, false)).unwrap();
    assert_eq!(q, Decimal::MAX.checked_div(dec(7, 0, false)).unwrap());
    // A zero quotient has scale 0 and no sign, whatever the dividend's.
    assert_eq!(
        divide(negative_zero(5), dec(7, 0, false))
            .unwrap()
            .serialize(),
        Decimal::ZERO.serialize()
    );
    assert_eq!(
        divide(dec(1, 28, false), dec(3, 0, true))
            .unwrap()
            .serialize(),
        Decimal::ZERO.serialize()
    );
    assert_eq!(divide(dec(1, 0, false), negative_zero(0)), None);
    assert_eq!(divide(Decimal::MAX, dec(1, 1, false)), None);
}

/// The cost of a division, for `valgrind --tool=callgrind`: run with
/// `--ignored --exact quotient::tests::cost`, and `QUOTIENT_COST_SHAPE=n` for
/// one shape only; compare the inclusive cost of `engine::quotient::divide`
/// with that of `Decimal::checked_div`. The shapes are those a tariff divides.
#[test]
#[ignore]
fn cost() {
    let shapes = [
        // An amount by places × occupancy.
        (dec(593_781_950_000, 5, false), dec(784, 2, false)),
        // A long quotient by the days of the year.
        (
            dec(75_737_493_622_448_979_591_836_734_694, 23, false),
            dec(365, 0, false),
        ),
        // An amount by places, with and without a remainder.
        (dec(5_007_919, 0, false), dec(9, 0, false)),
        (dec(5_000_000, 0, false), dec(8, 0, false)),
        (dec(5_015_838, 0, false), dec(10, 0, false)),
        (Decimal::ZERO, dec(365, 0, false)),
    ];
    let only: Option<usize> = std::env::var("QUOTIENT_COST_SHAPE")
        .ok()
        .and_then(|n| n.parse().ok());
    let ours = std::hint::black_box(divide as fn(Decimal, Decimal) -> Option<Decimal>);
    let theirs =
        std::hint::black_box(Decimal::checked_div as fn(Decimal, Decimal) -> Option<Decimal>);
    for _ in 0..10_000 {
        for (i, &(a, b)) in shapes.iter().enumerate() {
            if only.is_none_or(|n| n == i) {
                std::hint::black_box(ours(std::hint::black_box(a), b));
                std::hint::black_box(theirs(std::hint::black_box(a), b));
            }
        }
    }
}
