// Unit tests of the playground's setting, address and words (playground_state.js), and of
// Python's "f" format (pyformat.js), in Node: `node --test tests/js` (make jscheck).
// tests/test_engine.py compares the headlines and formats with Python's own.
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  BOOK_POINTS,
  DEFAULT_SETTING,
  describeFit,
  describeSetting,
  headline,
  layersName,
  listInWords,
  parseLayers,
  rateFromExponent,
  readQuery,
  stillJumping,
  writeQuery,
} from "../../book/js/playground_state.js";
import { formatFixed } from "../../book/js/pyformat.js";

test("the defaults are the book's run and write an empty address", () => {
  assert.deepEqual(DEFAULT_SETTING.layerSizes, [1, 4, 3, 1]);
  assert.deepEqual(BOOK_POINTS, [[2, 3], [-1, 1], [3, 5]]);
  assert.equal(writeQuery(DEFAULT_SETTING), "");
  assert.deepEqual(readQuery(""), { setting: { ...DEFAULT_SETTING }, epoch: null });
});

test("an address holds every part of a setting and reads back exactly", () => {
  const setting = {
    learningRate: 0.237,
    alpha: 0.05,
    layerSizes: [1, 8, 1],
    seed: 4294967295,
    epochs: 300,
    points: [[2, 3], [-1.25, 0.5], [3.99, -2]],
  };
  const query = writeQuery(setting, 40);
  assert.equal(query, "?rate=0.237&alpha=0.05&layers=1,8,1&seed=4294967295&epochs=300&points=2,3;-1.25,0.5;3.99,-2&epoch=40");
  assert.deepEqual(readQuery(query), { setting, epoch: 40 });
  // The whole run is the default epoch; only what differs from the defaults is written.
  assert.equal(writeQuery({ ...DEFAULT_SETTING, alpha: 0 }, 100), "?alpha=0");
});

test("what an address cannot give is left at its default", () => {
  const { setting, epoch } = readQuery(
    "?rate=50&alpha=-1&layers=2,4,1&seed=1.5&epochs=9999&points=1,2;x,3&epoch=101&other=1",
  );
  assert.deepEqual(setting, { ...DEFAULT_SETTING });
  assert.equal(epoch, null);
  // 51 points are more than the page allows; points outside the axes too.
  const many = Array.from({ length: 51 }, (_, i) => `${i / 20},1`).join(";");
  assert.deepEqual(readQuery(`?points=${many}`).setting.points, BOOK_POINTS);
  assert.deepEqual(readQuery("?points=9,1").setting.points, BOOK_POINTS);
  assert.deepEqual(readQuery("?points=1.234,2").setting.points, [[1.23, 2]]);
});

test("layers: the book's notations, and a sentence for anything else", () => {
  assert.deepEqual(parseLayers("1, 8, 8, 1"), [1, 8, 8, 1]);
  assert.deepEqual(parseLayers("[1, 32, 32, 1]"), [1, 32, 32, 1]);
  assert.deepEqual(parseLayers(" 1 5 1 "), [1, 5, 1]);
  assert.deepEqual(parseLayers("1,1"), [1, 1]);
  for (const bad of ["1, 33, 1", "1, 4, 4, 4, 1", "2, 4, 1", "1, 4, 2", "1, 0, 1", "1, 2.5, 1", "", "one"]) {
    assert.throws(() => parseLayers(bad), (error) => error instanceof RangeError && error.message.includes(`got "${bad}"`));
  }
  assert.equal(layersName([1, 4, 3, 1]), "[1, 4, 3, 1]");
});

test("a rate from the slider has three significant digits; 10^-1 is the book's 0.1", () => {
  assert.equal(rateFromExponent(-1), 0.1);
  assert.equal(rateFromExponent(-3), 0.001);
  assert.equal(rateFromExponent(1), 10);
  assert.equal(rateFromExponent(-0.63), 0.234);
});

test("the headline of a run in Run.headline()'s words", () => {
  assert.equal(headline([0.03, 0.028, 0.02614999], null), "final loss 0.0261");
  assert.equal(headline([5.8, 1.2, 0.0261], null), "not settled: the loss still jumps from epoch to epoch");
  assert.equal(headline([], null), "no epochs trained");
  assert.equal(headline([1, 2, 3], 3), "diverged at epoch 3: learning rate too large");
  const jumping = [0.5, 0.1, 0.5, 0.1, 0.5, 0.1, 0.5, 0.1, 0.5, 0.1];
  assert.ok(stillJumping(jumping));
  assert.equal(headline(jumping, null), "not settled: the loss still jumps from epoch to epoch");
  // Only the last 10 epochs count, and a factor of exactly 2 is still settled.
  assert.ok(!stillJumping([100, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]));
  assert.ok(!stillJumping([2, 1]));
  assert.ok(!stillJumping([7]));
});

test("Python's f format, ties to even included", () => {
  assert.equal(formatFixed(0.125, 2), "0.12");
  assert.equal(formatFixed(0.375, 2), "0.38");
  assert.equal(formatFixed(-0, 4), "-0.0000");
  assert.equal(formatFixed(-0.00001, 4), "-0.0000");
  assert.equal(formatFixed(2.5, 0), "2");
  assert.equal(formatFixed(Infinity, 4), "inf");
  assert.equal(formatFixed(NaN, 4), "nan");
  assert.equal(formatFixed(1e22, 1), "10000000000000000000000.0");
});

test("words about a setting and a fit", () => {
  assert.equal(
    describeSetting(DEFAULT_SETTING),
    "layers [1, 4, 3, 1], learning rate 0.1, alpha 0.01, 100 epochs, seed 4",
  );
  assert.match(describeSetting({ ...DEFAULT_SETTING, points: [[0, 1]] }), /on your 1 points$/);
  assert.equal(listInWords(["a", "b", "c"]), "a, b and c");
  const words = describeFit(BOOK_POINTS, [2.9, 1.05, 5.2], [-0.5]);
  assert.equal(
    words,
    "At x = 2, \u22121 and 3 the network predicts 2.9, 1.05 and 5.2 (targets 3, 1 and 5). " +
      "Its largest miss is 0.2, at x = 3. It can bend where a hidden unit switches sides: at x = \u22120.5.",
  );
  assert.match(describeFit(BOOK_POINTS, [3, 1, 5], []), /No hidden unit switches sides between x = \u22122 and 4/);
});
