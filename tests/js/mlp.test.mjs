// Unit tests of the network (mlp.js, matrix.js, mlp_checks.js, training_run.js), in Node:
// `node --test tests/js` (make jscheck). tests/test_engine.py compares training with mlp_core.
import assert from "node:assert/strict";
import { test } from "node:test";

import { Matrix, matmul, matmulTransposeA, matmulTransposeB, pairwiseSum } from "../../book/js/matrix.js";
import {
  leakyRelu,
  leakyReluDerivative,
  mseLoss,
  NeuralNetwork,
  SEED,
  TrainingDiverged,
  X_TRAIN,
  Y_TRAIN,
} from "../../book/js/mlp.js";
import { defaultRng } from "../../book/js/random.js";
import { TrainingRun } from "../../book/js/training_run.js";

const random = (rows, cols, seed) =>
  new Matrix(rows, cols, defaultRng(seed).standardNormal(rows * cols));
const sameBits = (a, b) => a.length === b.length && a.every((x, i) => Object.is(x, b[i]));
const parameters = (network) => [...network.weights, ...network.biases].map((M) => M.data.slice());

test("Leaky ReLU and its derivative", () => {
  assert.equal(leakyRelu(2, 0.1), 2);
  assert.equal(leakyRelu(-2, 0.1), -0.2);
  assert.equal(leakyRelu(0, 0.1), 0);
  assert.equal(leakyReluDerivative(3, 0.1), 1);
  assert.equal(leakyReluDerivative(-3, 0.1), 0.1);
  assert.equal(leakyReluDerivative(0, 0.1), 0.1); // z = 0 takes the slope alpha, as in mlp_core
  assert.equal(leakyReluDerivative(NaN, 0.1), 0);
});

test("the MSE loss with a half, by hand", () => {
  // ((3-1)^2 + (1-1)^2 + (5-1)^2) / (2 * 3) = 20 / 6
  assert.equal(mseLoss(Matrix.from([[3, 1, 5]]), Matrix.from([[1, 1, 1]])), 20 / 6);
});

test("sums of 8 numbers or more are numpy's pairwise sums", () => {
  // Added one by one, every 1 is lost against 1e16; in eight running sums, six survive
  // (np.sum([1e16, 1, 1, 1, 1, 1, 1, 1, -1e16]) is 6.0).
  const a = [1e16, 1, 1, 1, 1, 1, 1, 1, -1e16];
  assert.equal(a.reduce((s, x) => s + x), 0);
  assert.equal(pairwiseSum(a, 0, a.length), 6);
  assert.equal(pairwiseSum([5, 1e16, 1, 1, 1, 1, 1, 1, 1, -1e16], 1, 9), 6); // from an offset
  const many = Array.from({ length: 1000 }, (_, i) => i);
  assert.equal(pairwiseSum(many, 0, many.length), 499500);
});

test("the blocked products equal the plain triple loop, bit for bit", () => {
  const plain = (m, k, n, a, b) => {
    const out = new Float64Array(m * n);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let sum = 0;
        for (let p = 0; p < k; p++) sum += a(i, p) * b(p, j);
        out[i * n + j] = sum;
      }
    }
    return out;
  };
  for (const [m, k, n] of [[1, 1, 1], [3, 4, 3], [5, 7, 9], [32, 32, 50], [2, 1, 3], [1, 32, 50]]) {
    const [A, B] = [random(m, k, m + k), random(k, n, k + n)];
    const expected = plain(m, k, n, (i, p) => A.get(i, p), (p, j) => B.get(p, j));
    assert.ok(sameBits(matmul(new Matrix(m, n), A, B).data, expected), `A @ B ${m} ${k} ${n}`);
    const At = random(k, m, 1), Bt = random(n, k, 2);
    assert.ok(
      sameBits(matmulTransposeA(new Matrix(m, n), At, B).data, plain(m, k, n, (i, p) => At.get(p, i), (p, j) => B.get(p, j))),
      `A.T @ B ${m} ${k} ${n}`,
    );
    assert.ok(
      sameBits(matmulTransposeB(new Matrix(m, n), A, Bt).data, plain(m, k, n, (i, p) => A.get(i, p), (p, j) => Bt.get(j, p))),
      `A @ B.T ${m} ${k} ${n}`,
    );
  }
});

test("the forward pass keeps features x samples shapes", () => {
  const network = new NeuralNetwork([2, 5, 3], { seed: 1 });
  const X = random(2, 7, 3);
  const { activations, zs } = network.forwardPass(X);
  assert.equal(activations[0], X);
  assert.deepEqual(activations.map((A) => A.shape), [[2, 7], [5, 7], [3, 7]]);
  assert.deepEqual(zs.map((Z) => Z.shape), [[5, 7], [3, 7]]);
  assert.deepEqual(network.biases.map((b) => b.shape), [[5, 1], [3, 1]]);
  assert.equal(network.nParameters, 2 * 5 + 5 + 5 * 3 + 3);
});

test("backpropagation agrees with centred differences", () => {
  const network = new NeuralNetwork([2, 4, 3, 2], { seed: 9, alpha: 0.2, weightScale: 0.8 });
  for (const b of network.biases) b.data.fill(0.05);
  const [X, Y] = [random(2, 5, 10), random(2, 5, 11)];
  const { activations, zs } = network.forwardPass(X);
  // Keep away from Leaky ReLU's kink, where a difference quotient is not a derivative.
  assert.ok(zs.every((Z) => Z.data.every((z) => Math.abs(z) > 1e-4)));
  const { dW, dB } = network.backwardPass(activations, zs, Y);
  const loss = () => network.computeLoss(Y, network.predict(X));
  const eps = 1e-6;
  let worst = 0;
  [...network.weights, ...network.biases].forEach((P, i) => {
    const analytic = [...dW, ...dB][i].data;
    for (let j = 0; j < P.data.length; j++) {
      const original = P.data[j];
      P.data[j] = original + eps;
      const plus = loss();
      P.data[j] = original - eps;
      const minus = loss();
      P.data[j] = original;
      const numeric = (plus - minus) / (2 * eps);
      const scale = Math.abs(numeric) + Math.abs(analytic[j]);
      if (scale > 0) worst = Math.max(worst, Math.abs(numeric - analytic[j]) / scale);
    }
  });
  assert.ok(worst < 1e-7, `largest relative error ${worst}`);
});

test("training on the book's points: mlp_core's losses", () => {
  const network = new NeuralNetwork([1, 4, 3, 1], { seed: SEED });
  const losses = network.train(X_TRAIN, Y_TRAIN, 100, 0.1);
  assert.ok(losses instanceof Float64Array && losses.length === 100);
  assert.equal(losses[0], 5.822113841429929); // mlp_core, the same bits
  assert.ok(Math.abs(losses[99] - 0.026121286265281773) < 1e-15); // mlp_core: 1 ulp apart
  assert.equal(network.train(X_TRAIN, Y_TRAIN, 0).length, 0);
});

test("a diverging run raises TrainingDiverged and leaves the network as it was", () => {
  const network = new NeuralNetwork([1, 4, 3, 1], { seed: SEED });
  const before = parameters(network);
  assert.throws(
    () => network.train(X_TRAIN, Y_TRAIN, 100, 3),
    (error) => {
      assert.ok(error instanceof TrainingDiverged);
      assert.equal(error.epoch, 7);
      assert.equal(error.losses.length, 7);
      assert.ok(error.losses.every(Number.isFinite));
      assert.equal(
        error.message,
        "Training diverged at epoch 7: the loss is no longer finite. With learning rate 3 the " +
          "steps grew instead of settling: try a smaller learning rate (or, for a deep network, " +
          "smaller initial weights). The network was left as it was before train() was called.",
      );
      return true;
    },
  );
  assert.ok(parameters(network).every((P, i) => sameBits(P, before[i])));
});

test("bad arguments raise a sentence and change nothing", () => {
  const cases = [
    [() => new NeuralNetwork("1,4,1"), TypeError, /layerSizes must be an array of integers/],
    [() => new NeuralNetwork([1]), RangeError, /at least two layers/],
    [() => new NeuralNetwork([1, 0, 1]), RangeError, /layerSizes\[1\] must be at least 1; got 0/],
    [() => new NeuralNetwork([1, 2.5, 1]), TypeError, /layerSizes\[1\] must be an integer/],
    [() => new NeuralNetwork([1, 1], { seed: -1 }), RangeError, /seed must be at least 0/],
    [() => new NeuralNetwork([1, 1], { alpha: NaN }), RangeError, /alpha must be finite/],
    [() => new NeuralNetwork([1, 1], { weightScale: "xavier" }), RangeError, /positive number or "he"/],
  ];
  const network = new NeuralNetwork([1, 4, 3, 1], { seed: SEED });
  const before = parameters(network);
  cases.push(
    [() => network.train([[1, 2], [3, 4]], [[1, 2]], 5), RangeError, /X must have 1 row\(s\), one per input feature; got shape \(2, 2\)/],
    [() => network.train([1, 2, 3], [[1, 2, 3]], 5), TypeError, /wrap it as \[\[\.\.\.\]\]/],
    [() => network.train([[1, NaN]], [[1, 2]], 5), RangeError, /X must hold only finite numbers/],
    [() => network.train(X_TRAIN, [[1, 2]], 5), RangeError, /Y must have shape \(1, 3\)/],
    [() => network.train(X_TRAIN, Y_TRAIN, -1), RangeError, /epochs must be at least 0; got -1/],
    [() => network.train(X_TRAIN, Y_TRAIN, 2.5), TypeError, /epochs must be an integer/],
    [() => network.train(X_TRAIN, Y_TRAIN, 5, 0), RangeError, /learningRate must be greater than 0; got 0/],
    [() => network.forwardPass([[1], [2]]), RangeError, /X must have 1 row/],
  );
  for (const [call, type, message] of cases) assert.throws(call, (e) => e instanceof type && message.test(e.message));
  assert.ok(parameters(network).every((P, i) => sameBits(P, before[i])));
});

test("no seed draws a fresh one, kept to repeat the run", () => {
  const network = new NeuralNetwork([1, 3, 1]);
  assert.ok(Number.isInteger(network.seed) && network.seed >= 0 && network.seed < 2 ** 32);
  const again = new NeuralNetwork([1, 3, 1], { seed: network.seed });
  assert.ok(network.weights.every((W, i) => sameBits(W.data, again.weights[i].data)));
});

test("a TrainingRun is train() in steps, and replays any epoch bit for bit", () => {
  const settings = { layerSizes: [1, 4, 3, 1], X: X_TRAIN, Y: Y_TRAIN, learningRate: 0.1 };
  const run = new TrainingRun({ ...settings, checkpointEvery: 10 });
  assert.equal(run.step(25), 25);
  assert.equal(run.step(0), 0);
  assert.equal(run.step(), 1);
  const once = new NeuralNetwork([1, 4, 3, 1], { seed: SEED }).train(X_TRAIN, Y_TRAIN, 26, 0.1);
  assert.ok(sameBits(run.losses, once));
  assert.equal(run.checkpoints.length, 3); // epochs 0, 10, 20
  for (const epoch of [0, 7, 10, 23, 26]) {
    const state = run.at(epoch);
    const fresh = new NeuralNetwork([1, 4, 3, 1], { seed: SEED });
    fresh.train(X_TRAIN, Y_TRAIN, epoch, 0.1);
    assert.ok(state.weights.every((W, i) => sameBits(W.data, fresh.weights[i].data)), `${epoch}`);
    if (epoch < 26) assert.equal(state.loss, run.losses[epoch]);
    assert.deepEqual(state.dW.map((g) => g.shape), [[4, 1], [3, 4], [1, 3]]);
    assert.deepEqual(state.activations.at(-1).shape, [1, 3]);
  }
  assert.throws(() => run.at(27), /epoch must be at most 26/);
});

test("a diverging TrainingRun stops where train() stops, with its message", () => {
  const run = new TrainingRun({ layerSizes: [1, 4, 3, 1], X: X_TRAIN, Y: Y_TRAIN, learningRate: 3, checkpointEvery: 4 });
  assert.equal(run.step(5), 5);
  assert.equal(run.step(100), 2);
  assert.equal(run.step(100), 0);
  assert.equal(run.epoch, 7);
  let expected;
  try {
    new NeuralNetwork([1, 4, 3, 1], { seed: SEED }).train(X_TRAIN, Y_TRAIN, 100, 3);
  } catch (error) {
    expected = error;
  }
  assert.equal(run.diverged.message, expected.message);
  assert.ok(sameBits(run.losses, expected.losses));
  assert.equal(run.at(6).loss, run.losses[6]);
  assert.throws(() => run.at(7), /epoch must be at most 6, the last epoch with a finite loss; got 7/);
});
