// What tests/test_engine.py asks the engine, in Node or in Chromium: JSON requests in, JSON out.
//
// Arrays of doubles travel as base64 of their little-endian float64 bytes, so every bit (and -0,
// NaN, infinities) arrives as it was. Seeds travel as decimal strings (they may exceed 2^53).

import { heScale, NeuralNetwork, TrainingDiverged } from "../../book/js/mlp.js";
import { Matrix } from "../../book/js/matrix.js";
import { log1p } from "../../book/js/libm.js";
import { backpropSteps, equationText, matrixText } from "../../book/js/backprop_steps.js";
import { headline } from "../../book/js/playground_state.js";
import { formatFixed, formatG } from "../../book/js/pyformat.js";
import { defaultRng } from "../../book/js/random.js";
import { TrainingRun } from "../../book/js/training_run.js";

export function encode(values) {
  const bytes = new Uint8Array(Float64Array.from(values).buffer);
  let text = "";
  for (let i = 0; i < bytes.length; i += 8192) {
    text += String.fromCharCode(...bytes.subarray(i, i + 8192));
  }
  return btoa(text);
}

export function decode(base64) {
  const text = atob(base64);
  const bytes = Uint8Array.from(text, (c) => c.charCodeAt(0));
  return new Float64Array(bytes.buffer);
}

const matrixFrom = ({ rows, cols, data }) => new Matrix(rows, cols, decode(data));

function network({ layerSizes, alpha, seed, weightScale }) {
  return new NeuralNetwork(layerSizes, { alpha, seed: BigInt(seed), weightScale });
}

const HANDLERS = {
  normals: ({ seed, n }) => ({ draws: encode(defaultRng(BigInt(seed)).standardNormal(n)) }),

  network: (request) => {
    const net = network(request);
    return { weights: net.weights.map((W) => encode(W.data)) };
  },

  log1p: ({ x }) => ({ y: encode(decode(x).map(log1p)) }),

  formatG: ({ x }) => ({ text: Array.from(decode(x), formatG) }),

  formatFixed: ({ x, digits }) => ({ text: Array.from(decode(x), (v) => formatFixed(v, digits)) }),

  /** Chapter 8's steps: titles, equations, and each value's bits and text. */
  backpropSteps: (request) => {
    const steps = backpropSteps(network(request), request.x, request.y);
    return steps.map(({ phase, layer, l, title, equations, values }) => ({
      phase,
      layer,
      title,
      equations,
      equationTexts: equations.map((key) => equationText(key, l)),
      values: values.map(([name, M]) => ({ name, shape: M.shape, data: encode(M.data), text: matrixText(M) })),
    }));
  },

  /** A playground run as the page trains it (TrainingRun, `chunk` epochs at a time) and its headline. */
  headline: (request) => {
    const [X, Y] = [matrixFrom(request.X), matrixFrom(request.Y)];
    const run = new TrainingRun({ ...request, seed: BigInt(request.seed), X, Y });
    while (run.step(Math.min(request.chunk, request.epochs - run.epoch)) > 0);
    return { losses: encode(run.losses), headline: headline(run.losses, run.diverged ? run.diverged.epoch : null) };
  },

  heScale: ({ pairs }) => ({ scales: encode(pairs.map(([nIn, alpha]) => heScale(nIn, alpha))) }),

  /** Train with NeuralNetwork.train; with `chunk`, also as a TrainingRun stepped `chunk` at a time. */
  train: (request) => {
    const [X, Y] = [matrixFrom(request.X), matrixFrom(request.Y)];
    const net = network(request);
    const initialWeights = net.weights.map((W) => encode(W.data));
    let result;
    try {
      const losses = net.train(X, Y, request.epochs, request.learningRate);
      result = { initialWeights, losses: encode(losses), diverged: null };
    } catch (error) {
      if (!(error instanceof TrainingDiverged)) throw error;
      const { epoch, message, losses } = error;
      result = { initialWeights, losses: encode(losses), diverged: { epoch, message } };
    }
    if (request.chunk) {
      const run = new TrainingRun({ ...request, seed: BigInt(request.seed), X, Y });
      while (run.step(Math.min(request.chunk, request.epochs - run.epoch)) > 0);
      const diverged = run.diverged && { epoch: run.diverged.epoch, message: run.diverged.message };
      result.run = { losses: encode(run.losses), diverged };
    }
    return result;
  },
};

/** Answer one request: {kind: one of the HANDLERS' names, ...}. */
export function handle(request) {
  return HANDLERS[request.kind](request);
}
