// Unit tests of random.js and libm.js, in Node: `node --test tests/js` (make jscheck).
// The expected values were printed by numpy 2.4.6; tests/test_engine.py compares far more draws.
import assert from "node:assert/strict";
import { test } from "node:test";

import { fma, log1p } from "../../book/js/libm.js";
import { defaultRng, PCG64, seedSequenceState, seedWords } from "../../book/js/random.js";

test("a seed is cut into 32-bit words, lowest first", () => {
  assert.deepEqual(seedWords(0), [0]);
  assert.deepEqual(seedWords(2 ** 32 - 1), [4294967295]);
  assert.deepEqual(seedWords(2n ** 32n + 3n), [3, 1]);
  assert.throws(() => seedWords(-1), RangeError);
});

test("SeedSequence(seed).generate_state(n) equals numpy's", () => {
  // np.random.SeedSequence(0).generate_state(4), and for 2**32 + 3 (two words of entropy)
  assert.deepEqual(Array.from(seedSequenceState(0, 4)), [2968811710, 3677149159, 745650761, 2884920346]);
  assert.deepEqual(
    Array.from(seedSequenceState(2n ** 32n + 3n, 8)),
    [457190280, 2660306227, 859341110, 354512857, 3507208499, 1943065218, 125729856, 1548917754],
  );
});

test("PCG64(0) gives numpy's first 64-bit outputs", () => {
  const bits = new PCG64(0); // np.random.PCG64(0).random_raw(3)
  assert.equal(bits.nextUint64(), 0xa30febcfd9c2825fn);
  assert.equal(bits.nextUint64(), 0x4510bdf882d9d721n);
  assert.equal(bits.nextUint64(), 0xa7d3da94ecde8b8n);
});

test("default_rng(seed).standard_normal(n) equals numpy's, bit for bit", () => {
  assert.deepEqual(Array.from(defaultRng(0).standardNormal(3)), [
    0.1257302210933933, -0.1321048632913019, 0.6404226504432821,
  ]);
  assert.deepEqual(Array.from(defaultRng(2 ** 32 - 1).standardNormal(2)), [
    -0.027271763074256376, 0.2153539268318988,
  ]);
  // Draws are a stream: 3 draws then 2 are the first 5 draws.
  const rng = defaultRng(7);
  const five = defaultRng(7).standardNormal(5);
  assert.deepEqual([...rng.standardNormal(3), ...rng.standardNormal(2)], Array.from(five));
});

test("fma rounds a * b + c once", () => {
  // 0.1 is 3602879701896397 / 2^55, so 0.1 * 10 - 1 is exactly 2^-54; with two roundings, 0.
  assert.equal(0.1 * 10 - 1, 0);
  assert.equal(fma(0.1, 10, -1), 2 ** -54);
  assert.equal(fma(2, 3, 4), 10);
  assert.ok(Object.is(fma(-3, 0.5, 1.5), 0));
  assert.equal(fma(Infinity, 2, 1), Infinity);
});

test("log1p at its special points and against log", () => {
  assert.equal(log1p(0), 0);
  assert.ok(Object.is(log1p(-0), -0));
  assert.equal(log1p(-1), -Infinity);
  assert.ok(Number.isNaN(log1p(-2)));
  assert.equal(log1p(Infinity), Infinity);
  assert.equal(log1p(1e-30), 1e-30); // log(1 + x) = x - x^2/2 + ...: x itself, rounded
  for (const x of [-0.9, -0.5, -0.25, 0.3, 1, 10, 1e10]) {
    assert.ok(Math.abs(log1p(x) - Math.log(1 + x)) <= 4e-16 * Math.abs(Math.log(1 + x)), `${x}`);
  }
});
