// numpy's random normal draws, bit for bit: `numpy.random.default_rng(seed).standard_normal(n)`.
//
// default_rng(seed) is a PCG64 generator whose 256 bits of state come from SeedSequence(seed); its
// standard_normal uses the ziggurat method of Marsaglia and Tsang. Each piece below follows numpy
// 2.4.6 step by step and names the file it follows:
//   SeedSequence    numpy/random/bit_generator.pyx (pool of 4 words, hashmix, mix, generate_state)
//   PCG64           numpy/random/_pcg64.pyx and src/pcg64/pcg64.h (pcg_setseq_128_xsl_rr_64)
//   standardNormal  numpy/random/src/distributions/distributions.c (random_standard_normal), with
//                   the tables of ziggurat_tables.js
// The 128-bit arithmetic of PCG64 uses BigInt: it runs only to draw initial weights, never while
// training. Every draw is checked against numpy for many seeds in tests/test_engine.py.

import { log1p } from "./libm.js";
import { FI, KI, NOR_INV_R, NOR_R, WI } from "./ziggurat_tables.js";

// ---------------------------------------------------------------------------------------------
// SeedSequence: the seed's 32-bit words hashed into a pool of 4 words, then into the state.

const POOL_SIZE = 4;
const INIT_A = 0x43b0d7e5;
const MULT_A = 0x931e8875;
const INIT_B = 0x8b51f9dd;
const MULT_B = 0x58f38ded;
const MIX_MULT_L = 0xca01f9dd;
const MIX_MULT_R = 0x4973f715;
const XSHIFT = 16; // half the bits of a uint32

/**
 * The seed as 32-bit words, lowest first, as numpy's `_int_to_uint32_array` (0 gives [0]).
 * @param {number|bigint} seed - a non-negative integer
 * @returns {number[]} uint32 words
 */
export function seedWords(seed) {
  let n = BigInt(seed);
  if (n < 0n) throw new RangeError(`seed must be a non-negative integer; got ${seed}.`);
  const words = [];
  do {
    words.push(Number(n & 0xffffffffn));
    n >>= 32n;
  } while (n > 0n);
  return words;
}

/**
 * SeedSequence(seed).generate_state(nWords): nWords uint32 words of well-mixed state.
 * `Math.imul(a, b) >>> 0` is the product of two uint32 modulo 2^32, as in C.
 * @param {number|bigint} seed - a non-negative integer
 * @param {number} nWords
 * @returns {Uint32Array}
 */
export function seedSequenceState(seed, nWords) {
  const entropy = seedWords(seed);
  let hashConst = INIT_A;
  const hashmix = (value) => {
    value = (value ^ hashConst) >>> 0;
    hashConst = Math.imul(hashConst, MULT_A) >>> 0;
    value = Math.imul(value, hashConst) >>> 0;
    return (value ^ (value >>> XSHIFT)) >>> 0;
  };
  const mix = (x, y) => {
    const result = (Math.imul(MIX_MULT_L, x) - Math.imul(MIX_MULT_R, y)) >>> 0;
    return (result ^ (result >>> XSHIFT)) >>> 0;
  };
  // mix_entropy: hash the entropy into the pool, then mix every pool word into every other.
  const pool = new Uint32Array(POOL_SIZE);
  for (let i = 0; i < POOL_SIZE; i++) pool[i] = hashmix(i < entropy.length ? entropy[i] : 0);
  for (let src = 0; src < POOL_SIZE; src++) {
    for (let dst = 0; dst < POOL_SIZE; dst++) {
      if (src !== dst) pool[dst] = mix(pool[dst], hashmix(pool[src]));
    }
  }
  for (let src = POOL_SIZE; src < entropy.length; src++) {
    for (let dst = 0; dst < POOL_SIZE; dst++) pool[dst] = mix(pool[dst], hashmix(entropy[src]));
  }
  // generate_state: cycle through the pool, hashing each word with a second running constant.
  const state = new Uint32Array(nWords);
  hashConst = INIT_B;
  for (let i = 0; i < nWords; i++) {
    let value = (pool[i % POOL_SIZE] ^ hashConst) >>> 0;
    hashConst = Math.imul(hashConst, MULT_B) >>> 0;
    value = Math.imul(value, hashConst) >>> 0;
    state[i] = (value ^ (value >>> XSHIFT)) >>> 0;
  }
  return state;
}

// ---------------------------------------------------------------------------------------------
// PCG64: a 128-bit linear congruential generator, state = state * MULTIPLIER + increment, whose
// output permutes the state down to 64 bits (XSL RR: xor the halves, rotate by the top 6 bits).

const MASK_64 = (1n << 64n) - 1n;
const MASK_128 = (1n << 128n) - 1n;
const MULTIPLIER = (2549297995355413924n << 64n) + 4865540595714422341n;

export class PCG64 {
  /**
   * Seeded as numpy's PCG64(seed): SeedSequence gives 4 uint64 words (each the little-endian pair
   * of two uint32 words); words 0-1 are the initial state, words 2-3 the stream, high word first.
   * @param {number|bigint} seed - a non-negative integer
   */
  constructor(seed) {
    const w = Array.from(seedSequenceState(seed, 8), BigInt);
    const word64 = (j) => w[2 * j] | (w[2 * j + 1] << 32n);
    const initState = (word64(0) << 64n) | word64(1);
    const initSeq = (word64(2) << 64n) | word64(3);
    // pcg_setseq_128_srandom_r
    this.increment = ((initSeq << 1n) | 1n) & MASK_128;
    this.state = 0n;
    this.step();
    this.state = (this.state + initState) & MASK_128;
    this.step();
  }

  step() {
    this.state = (this.state * MULTIPLIER + this.increment) & MASK_128;
  }

  /** The next 64 random bits (pcg64_next64), as a BigInt. */
  nextUint64() {
    this.step();
    const high = this.state >> 64n;
    const rotation = high >> 58n;
    const xored = (high ^ this.state) & MASK_64;
    return ((xored >> rotation) | (xored << ((64n - rotation) & 63n))) & MASK_64;
  }

  /** A uniform double in [0, 1): the top 53 bits times 2^-53 (uint64_to_double). */
  nextDouble() {
    return Number(this.nextUint64() >> 11n) * 2 ** -53;
  }
}

// ---------------------------------------------------------------------------------------------
// The standard normal, by the ziggurat (random_standard_normal).

/**
 * One standard normal draw. 64 random bits are cut into 8 bits of layer index, 1 sign bit and 52
 * bits of magnitude; 99.3 % of draws end at the first test.
 * @param {PCG64} bits
 * @returns {number}
 */
function standardNormal(bits) {
  for (;;) {
    let r = bits.nextUint64();
    const idx = Number(r & 0xffn);
    r >>= 8n;
    const sign = Number(r & 1n);
    const rabs = Number((r >> 1n) & 0xfffffffffffffn); // 52 bits: exact as a double
    let x = rabs * WI[idx];
    if (sign === 1) x = -x;
    if (rabs < KI[idx]) return x; // inside the layer's rectangle
    if (idx === 0) {
      // The tail beyond NOR_R, by Marsaglia's exponential method (log1p(-U) avoids log(0)).
      for (;;) {
        const xx = -NOR_INV_R * log1p(-bits.nextDouble());
        const yy = -log1p(-bits.nextDouble());
        const negative = Math.floor(rabs / 256) % 2 === 1; // bit 8 of rabs gives the sign
        if (yy + yy > xx * xx) return negative ? -(NOR_R + xx) : NOR_R + xx;
      }
    }
    // The wedge between rectangles: accept under the density curve exp(-x^2 / 2). numpy calls the
    // C library's exp, which may round its last bit otherwise than Math.exp; that changes a draw
    // only if the left side equals the rounded density exactly, about one wedge in 10^15.
    if ((FI[idx - 1] - FI[idx]) * bits.nextDouble() + FI[idx] < Math.exp(-0.5 * x * x)) return x;
  }
}

/** numpy's random Generator, for standard normal draws only. */
export class Generator {
  /** @param {number|bigint} seed - a non-negative integer, as for numpy.random.default_rng */
  constructor(seed) {
    this.bits = new PCG64(seed);
  }

  /**
   * `rng.standard_normal(n)`: n draws; an (m, k) array is the m * k draws in row-major order.
   * @param {number} n
   * @returns {Float64Array}
   */
  standardNormal(n) {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = standardNormal(this.bits);
    return out;
  }
}

/** numpy.random.default_rng(seed). */
export function defaultRng(seed) {
  return new Generator(seed);
}
