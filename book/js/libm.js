// The C library's log1p, rounded exactly as numpy's normal draws see it.
//
// numpy's standard_normal calls the C library's log1p for its rare draws in the tail (about one
// draw in 3,900). On this book's machines (x86-64 with FMA instructions, Debian's glibc 2.36) that
// is fdlibm's log1p, glibc's sysdeps/ieee754/dbl-64/s_log1p.c, compiled with fused multiply-adds
// (a * b + c rounded once). JavaScript's Math.log1p rounds differently from it for about one
// argument in 1,300, and the same algorithm without fused multiply-adds for one in 2,300, so this
// file follows glibc's build operation by operation: each `fma` below is a product that the
// compiled library fuses. tests/test_engine.py compares it with Python's math.log1p (the same C
// function) on millions of arguments.
//
// fdlibm's notice, which its licence asks to keep:
//   Copyright (C) 1993 by Sun Microsystems, Inc. All rights reserved.
//   Developed at SunPro, a Sun Microsystems, Inc. business.
//   Permission to use, copy, modify, and distribute this software is freely granted, provided
//   that this notice is preserved.
//   (Polynomial evaluated in four parts by Naohiko Shimizu, Tokai University, 1997.)

const float64 = new Float64Array(1);
const bits64 = new BigUint64Array(float64.buffer);
const words = new Int32Array(float64.buffer); // words[1] is the high word (little-endian)
const highWord = (x) => ((float64[0] = x), words[1]);
const withHighWord = (x, high) => ((float64[0] = x), (words[1] = high), float64[0]);

/** x as [m, e] with x = m * 2^e exactly, m a signed BigInt (x finite). */
function integerTimesPowerOfTwo(x) {
  float64[0] = x;
  const biasedExponent = Number((bits64[0] >> 52n) & 0x7ffn);
  let m = bits64[0] & 0xfffffffffffffn;
  if (biasedExponent !== 0) m |= 1n << 52n; // the implicit leading 1 of a normal number
  return [x < 0 || Object.is(x, -0) ? -m : m, Math.max(biasedExponent, 1) - 1075];
}

/**
 * a * b + c rounded once (to nearest, ties to even), as an FMA instruction computes it: exact
 * integers in BigInt, then one rounding. Exact for results in the normal range (above 2^-1022 in
 * size), which is all log1p needs; only the log1p of tail draws calls it.
 */
export function fma(a, b, c) {
  const product = a * b;
  if (!Number.isFinite(product) || !Number.isFinite(c) || product === 0 || c === 0) {
    return product + c; // no second rounding to avoid (or not a finite number)
  }
  const [ma, ea] = integerTimesPowerOfTwo(a);
  const [mb, eb] = integerTimesPowerOfTwo(b);
  const [mc, ec] = integerTimesPowerOfTwo(c);
  let exponent = Math.min(ea + eb, ec);
  let sum = ((ma * mb) << BigInt(ea + eb - exponent)) + (mc << BigInt(ec - exponent));
  if (sum === 0n) return 0;
  const negative = sum < 0n;
  if (negative) sum = -sum;
  // Keep the top 64 bits and a sticky bit for the rest: Number() then rounds once, correctly.
  const extra = sum.toString(2).length - 64;
  if (extra > 0) {
    const sticky = sum & ((1n << BigInt(extra)) - 1n) ? 1n : 0n;
    sum = (sum >> BigInt(extra)) | sticky;
    exponent += extra;
  }
  const magnitude = Number(sum) * 2 ** exponent; // exact: a power of two, in the normal range
  return negative ? -magnitude : magnitude;
}

const LN2_HI = 6.93147180369123816490e-1; // 0x3fe62e42 fee00000
const LN2_LO = 1.90821492927058770002e-10; // 0x3dea39ef 35793c76
const TWO_THIRDS = 0.6666666666666666; // written 0.66666666666666666 in glibc: the same double
const LP = [
  0, 6.666666666666735130e-1, 3.999999999940941908e-1, 2.857142874366239149e-1,
  2.222219843214978396e-1, 1.818357216161805012e-1, 1.531383769920937332e-1,
  1.479819860511658591e-1,
];

/**
 * log(1 + x), rounded as glibc's log1p rounds it on x86-64 with FMA.
 *
 * 1 + x = 2^k (1 + f) with sqrt(2)/2 < 1 + f < sqrt(2); c corrects the rounding of u = 1 + x.
 * With s = f / (2 + f), hfsq = f^2 / 2 and R a polynomial in s^2,
 * log(1 + f) = f - (hfsq - s (hfsq + R)), and log1p(x) = k ln2 + log(1 + f) + c / u.
 * @param {number} x
 * @returns {number}
 */
export function log1p(x) {
  const hx = highWord(x);
  const ax = hx & 0x7fffffff;
  let k = 1;
  let f = 0;
  let c = 0;
  let hu = 0;
  if (hx < 0x3fda827a) {
    // x < 0.41422
    if (ax >= 0x3ff00000) return x === -1 ? -Infinity : NaN; // x <= -1
    if (ax < 0x3e200000) return ax < 0x3c900000 ? x : fma(-(x * x), 0.5, x); // |x| < 2^-29
    if (hx > 0 || hx <= (0xbfd2bec3 | 0)) {
      // -0.2929 < x < 0.41422: f = x, no reduction
      k = 0;
      f = x;
      hu = 1;
    }
  } else if (hx >= 0x7ff00000) {
    return x + x; // +Infinity or NaN
  }
  if (k !== 0) {
    let u = x;
    if (hx < 0x43400000) {
      u = 1 + x;
      hu = highWord(u);
      k = (hu >> 20) - 1023;
      c = (k > 0 ? 1 - (u - x) : x - (u - 1)) / u; // the rounding error of 1 + x, over u
    } else {
      hu = highWord(u);
      k = (hu >> 20) - 1023;
    }
    hu &= 0x000fffff;
    if (hu < 0x6a09e) {
      u = withHighWord(u, hu | 0x3ff00000); // u in [1, sqrt(2))
    } else {
      k += 1;
      u = withHighWord(u, hu | 0x3fe00000); // u / 2 in [sqrt(2)/2, 1)
      hu = (0x00100000 - hu) >> 2;
    }
    f = u - 1;
  }
  const hfsq = 0.5 * f * f;
  if (hu === 0) {
    // |f| < 2^-20
    if (f === 0) return k === 0 ? 0 : fma(k, LN2_HI, fma(k, LN2_LO, c));
    const R = hfsq * fma(-f, TWO_THIRDS, 1);
    return k === 0 ? f - R : fma(k, LN2_HI, -(R - fma(k, LN2_LO, c) - f));
  }
  const s = f / (2 + f);
  const z = s * s;
  const z2 = z * z;
  const z4 = z2 * z2;
  const z6 = z4 * z2;
  const R2 = fma(z, LP[3], LP[2]);
  const R3 = fma(z, LP[5], LP[4]);
  const R4 = fma(z, LP[7], LP[6]);
  const R = fma(z6, R4, fma(z4, R3, fma(z, LP[1], z2 * R2))); // R1 + z2 R2 + z4 R3 + z6 R4
  const sTimes = s * (hfsq + R);
  if (k === 0) return f - (hfsq - sTimes);
  return fma(k, LN2_HI, -(hfsq - (sTimes + fma(k, LN2_LO, c)) - f));
}
