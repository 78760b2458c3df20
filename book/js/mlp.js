// A multi-layer perceptron in JavaScript: what the playground needs from mlp_core.py, line for line.
//
// Every array is laid out features x samples, each column one sample, in float64. Layer l computes
// Z = W @ A_prev + b (b added to every column) and, if it is hidden, A = leaky_relu(Z); the output
// layer is linear, and the loss is the MSE with a half. Training is full-batch gradient descent.
// The same seed draws the same initial weights as mlp_core (random.js draws numpy's normals bit for
// bit); sums of many terms are added in numpy's order (pairwiseSum). tests/test_engine.py checks in
// a browser that every epoch's loss equals mlp_core's within 1e-9 relative.
//
// Names follow mlp_core in camelCase: forward_pass is forwardPass, layer_sizes is layerSizes.
// The book numbers layers 1 to L; in code, layer l's parameters are weights[l - 1] and
// biases[l - 1], its pre-activation zs[l - 1] and its output activations[l].
//
// Public methods check their arguments once, where a call comes in (mlp_checks.js), and raise
// TypeError or RangeError with a sentence; inside, the maths trusts its data.

import { Matrix, matmul, matmulTransposeA, matmulTransposeB, pairwiseSum } from "./matrix.js";
import { checked, checkNetwork } from "./mlp_checks.js";
import { formatG } from "./pyformat.js";
import { defaultRng } from "./random.js";

/** Step size of gradient descent used throughout the book. */
export const LEARNING_RATE = 0.1;
/** Slope of Leaky ReLU for z <= 0. */
export const ALPHA = 0.01;
/** The seed the book uses for its reproducible runs. */
export const SEED = 4;
/** Initial weights are standard-normal draws times this factor. */
export const INIT_SCALE = 0.1;
/** The book's three inputs, shape (1, 3): one feature, three samples. */
export const X_TRAIN = Object.freeze([Object.freeze([2, -1, 3])]);
/** The three targets, shape (1, 3): one output, three samples. */
export const Y_TRAIN = Object.freeze([Object.freeze([3, 1, 5])]);

// ---------------------------------------------------------------------------------------------
// The activation and the loss.

/** Leaky ReLU of one number: z where z > 0, else alpha * z. */
export function leakyRelu(z, alpha = ALPHA) {
  return z > 0 ? z : alpha * z;
}

/** Derivative of Leaky ReLU: 1 where z > 0, else alpha (z = 0 included; NaN gives 0 as in numpy). */
export function leakyReluDerivative(z, alpha = ALPHA) {
  return z > 0 ? 1 : z <= 0 ? alpha : 0;
}

/**
 * Mean squared error with a half: 1/(2N) * sum((Y - Y_hat)^2), N = number of samples.
 * @param {Matrix} Y - targets, shape (n_outputs, n_samples)
 * @param {Matrix} Yhat - predictions, shape (n_outputs, n_samples)
 * @returns {number}
 */
export function mseLoss(Y, Yhat) {
  const [y, yHat] = [Y.data, Yhat.data];
  if (squares.length < y.length) squares = new Float64Array(y.length);
  for (let i = 0; i < y.length; i++) squares[i] = (y[i] - yHat[i]) * (y[i] - yHat[i]);
  return (0 + pairwiseSum(squares, 0, y.length)) / (2 * Y.cols); // np.sum: 0 + the pairwise sum
}
let squares = new Float64Array(64); // (Y - Y_hat)^2, reused from call to call

/** The He scale for Leaky ReLU, sqrt(2 / ((1 + alpha^2) * n_in)) (chapter 13). */
export function heScale(nIn, alpha = ALPHA) {
  // alpha^2 as alpha * alpha, correctly rounded; see tests/test_engine.py for Python's alpha**2.
  return Math.sqrt(2 / ((1 + alpha * alpha) * nIn));
}

// ---------------------------------------------------------------------------------------------
// The network.

export class NeuralNetwork {
  /**
   * @param {number[]} layerSizes - units per layer, input first and output last, e.g. [1, 4, 3, 1]
   * @param {object} [options]
   * @param {number} [options.alpha] - Leaky ReLU slope for z <= 0 (ALPHA)
   * @param {number|bigint|null} [options.seed] - seed of numpy.random.default_rng; the same seed
   *   gives the same weights as NeuralNetwork(layer_sizes, seed=seed) in mlp_core. null: a fresh
   *   random seed, kept in `seed`
   * @param {number|"he"} [options.weightScale] - initial weights are standard-normal draws times
   *   this factor (INIT_SCALE); "he" scales layer l's draws by heScale(layerSizes[l - 1], alpha)
   */
  constructor(layerSizes, { alpha = ALPHA, seed = null, weightScale = INIT_SCALE } = {}) {
    ({ layerSizes, alpha, seed, weightScale } = checkNetwork(layerSizes, alpha, seed, weightScale));
    this.layerSizes = layerSizes;
    this.alpha = alpha;
    this.seed = seed;
    this.weightScale = weightScale;
    const rng = defaultRng(seed);
    /** weights[l - 1]: shape (layerSizes[l], layerSizes[l - 1]), drawn layer by layer, row by row. */
    this.weights = [];
    /** biases[l - 1]: shape (layerSizes[l], 1), zeros. */
    this.biases = [];
    for (let l = 1; l < layerSizes.length; l++) {
      const [nIn, nOut] = [layerSizes[l - 1], layerSizes[l]];
      const scale = weightScale === "he" ? heScale(nIn, alpha) : weightScale;
      const draws = rng.standardNormal(nOut * nIn); // rng.standard_normal((n_out, n_in))
      this.weights.push(new Matrix(nOut, nIn, draws.map((draw) => draw * scale)));
      this.biases.push(new Matrix(nOut, 1));
    }
  }

  /** Number of weights and biases together. */
  get nParameters() {
    return this.weights.reduce((n, W, i) => n + W.data.length + this.biases[i].data.length, 0);
  }

  /**
   * Arrays for one pass over n samples, reused by every epoch of train(): activations, zs and dZ
   * of shape (layerSizes[l], n) for each layer, dW and dB shaped like weights and biases.
   * @param {number} nSamples
   */
  workspace(nSamples) {
    const layers = this.layerSizes.slice(1);
    const matrices = (rows) => rows.map((n) => new Matrix(n, nSamples));
    return {
      activations: [null, ...matrices(layers.slice(0, -1))], // activations[0] will be X
      zs: matrices(layers),
      dZ: matrices(layers),
      dW: this.weights.map((W) => new Matrix(W.rows, W.cols)),
      dB: this.biases.map((b) => new Matrix(b.rows, 1)),
    };
  }

  /**
   * Run X through every layer, keeping what backpropagation needs.
   * @param {Matrix} X - shape (layerSizes[0], n_samples)
   * @param {object} [work] - from workspace(); its arrays are overwritten and returned
   * @returns {{activations: Matrix[], zs: Matrix[]}} activations[0] is X, activations[l] has shape
   *   (layerSizes[l], n_samples) and the last is the prediction; zs[l - 1] has shape
   *   (layerSizes[l], n_samples)
   */
  forwardPass(X, work = this.workspace(X.cols)) {
    const L = this.weights.length;
    const { activations, zs } = work;
    activations[0] = X;
    for (let l = 1; l <= L; l++) {
      // Z = W @ A_prev + b: (n_l, n_{l-1}) @ (n_{l-1}, N) + (n_l, 1) -> (n_l, N)
      const Z = matmul(zs[l - 1], this.weights[l - 1], activations[l - 1]);
      const [z, b, n] = [Z.data, this.biases[l - 1].data, Z.cols];
      for (let i = 0; i < Z.rows; i++) {
        for (let s = i * n; s < (i + 1) * n; s++) z[s] += b[i];
      }
      if (l < L) {
        // A = leaky_relu(Z), element-wise: (n_l, N)
        const a = activations[l].data;
        for (let s = 0; s < z.length; s++) a[s] = leakyRelu(z[s], this.alpha);
      } else {
        activations[l] = Z; // a linear output layer: A_L = Z_L
      }
    }
    return { activations, zs };
  }

  /**
   * The output layer's values for X.
   * @param {Matrix} X - shape (layerSizes[0], n_samples)
   * @returns {Matrix} shape (layerSizes[L], n_samples), a new matrix
   */
  predict(X) {
    return this.forwardPass(X).activations[this.weights.length];
  }

  /** The loss of predictions Yhat against targets Y, both (layerSizes[L], n_samples): mseLoss. */
  computeLoss(Y, Yhat) {
    return mseLoss(Y, Yhat);
  }

  /**
   * Gradients of the loss with respect to every weight and bias. Changes no parameter.
   * @param {Matrix[]} activations - as returned by forwardPass
   * @param {Matrix[]} zs - as returned by forwardPass
   * @param {Matrix} Y - shape (layerSizes[L], n_samples)
   * @param {object} [work] - from workspace(); its dZ, dW and dB are overwritten and returned
   * @returns {{dW: Matrix[], dB: Matrix[]}} dW[l - 1] shaped like weights[l - 1], dB[l - 1] like
   *   biases[l - 1]
   */
  backwardPass(activations, zs, Y, work = this.workspace(Y.cols)) {
    const n = Y.cols;
    const L = this.weights.length;
    const { dZ, dW, dB } = work;
    // dZ = A_L - Y: (n_L, N), for a linear output with the MSE loss
    const [aL, y, dZL] = [activations[L].data, Y.data, dZ[L - 1].data];
    for (let s = 0; s < y.length; s++) dZL[s] = aL[s] - y[s];
    for (let l = L; l >= 1; l--) {
      const delta = dZ[l - 1].data;
      // dW = dZ @ A_prev.T / N: (n_l, N) @ (N, n_{l-1}) -> (n_l, n_{l-1})
      const gradW = matmulTransposeB(dW[l - 1], dZ[l - 1], activations[l - 1]).data;
      for (let i = 0; i < gradW.length; i++) gradW[i] /= n;
      // dB = dZ averaged over the samples (numpy's dZ.mean(axis=1)): (n_l, 1)
      const gradB = dB[l - 1].data;
      for (let i = 0; i < gradB.length; i++) gradB[i] = (0 + pairwiseSum(delta, i * n, n)) / n;
      if (l > 1) {
        // dA_prev = W.T @ dZ: (n_{l-1}, n_l) @ (n_l, N) -> (n_{l-1}, N), kept in dZ[l - 2]
        const previous = matmulTransposeA(dZ[l - 2], this.weights[l - 1], dZ[l - 1]).data;
        // dZ_prev = dA_prev * leaky_relu'(Z_prev), element-wise: (n_{l-1}, N)
        const z = zs[l - 2].data;
        for (let s = 0; s < z.length; s++) previous[s] *= leakyReluDerivative(z[s], this.alpha);
      }
    }
    return { dW, dB };
  }

  /**
   * One gradient-descent step on every layer: W -= learningRate * dW, b -= learningRate * dB.
   * @param {Matrix[]} dW - shaped like weights
   * @param {Matrix[]} dB - shaped like biases
   * @param {number} learningRate - > 0
   */
  update(dW, dB, learningRate) {
    for (let l = 0; l < this.weights.length; l++) {
      const [W, g] = [this.weights[l].data, dW[l].data];
      for (let i = 0; i < W.length; i++) W[i] -= learningRate * g[i];
      const [b, gb] = [this.biases[l].data, dB[l].data];
      for (let i = 0; i < b.length; i++) b[i] -= learningRate * gb[i];
    }
  }

  /**
   * Full-batch gradient descent: each epoch a forward pass, the loss, a backward pass, an update.
   * @param {Matrix} X - shape (layerSizes[0], n_samples)
   * @param {Matrix} Y - shape (layerSizes[L], n_samples)
   * @param {number} epochs - >= 0
   * @param {number} [learningRate] - > 0 (LEARNING_RATE)
   * @returns {Float64Array} losses, shape (epochs,): the loss of each epoch, measured before its
   *   update
   * @throws {TrainingDiverged} as soon as the loss stops being finite; the network is then put
   *   back as it was before the call
   */
  train(X, Y, epochs, learningRate = LEARNING_RATE) {
    const before = this.copy();
    const work = this.workspace(X.cols);
    const losses = new Float64Array(epochs);
    for (let epoch = 0; epoch < epochs; epoch++) {
      const { activations, zs } = this.forwardPass(X, work);
      losses[epoch] = this.computeLoss(Y, activations[activations.length - 1]);
      if (!Number.isFinite(losses[epoch])) {
        [this.weights, this.biases] = [before.weights, before.biases];
        throw new TrainingDiverged(epoch, learningRate, losses.slice(0, epoch));
      }
      const { dW, dB } = this.backwardPass(activations, zs, Y, work);
      this.update(dW, dB, learningRate);
    }
    return losses;
  }

  /** A network with copies of this one's parameters (same sizes, alpha, seed). */
  copy() {
    const twin = Object.create(NeuralNetwork.prototype);
    Object.assign(twin, this);
    twin.weights = this.weights.map((W) => W.copy());
    twin.biases = this.biases.map((b) => b.copy());
    return twin;
  }
}

// Each public method checks its arguments when called from outside (mlp_checks.js); calls from
// inside a checked call (train calling forwardPass) trust them.
for (const name of ["forwardPass", "predict", "computeLoss", "backwardPass", "update", "train"]) {
  NeuralNetwork.prototype[name] = checked(name, NeuralNetwork.prototype[name]);
}

/** Training stopped because the loss stopped being finite; the message is mlp_core's. */
export class TrainingDiverged extends Error {
  /**
   * @param {number} epoch - the (0-based) epoch whose loss was not finite
   * @param {number} learningRate - the learning rate of the run
   * @param {Float64Array} losses - the finite losses of the epochs before it, shape (epoch,)
   */
  constructor(epoch, learningRate, losses) {
    super(
      `Training diverged at epoch ${epoch}: the loss is no longer finite. ` +
        `With learning rate ${formatG(learningRate)} the steps grew instead of settling: try a ` +
        "smaller learning rate (or, for a deep network, smaller initial weights). The " +
        "network was left as it was before train() was called.",
    );
    this.name = "TrainingDiverged";
    this.epoch = epoch;
    this.learningRate = learningRate;
    this.losses = losses;
  }
}
