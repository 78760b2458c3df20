// Argument checks for mlp.js, kept apart so that mlp.js reads as the maths (as _mlp_checks.py is
// for mlp_core.py).
//
// checked(name, method) wraps a public method of NeuralNetwork: when it is called from outside,
// CHECKS[name] checks its arguments and returns them converted (nested arrays become Matrix), or
// throws TypeError (wrong kind) or RangeError (wrong value or shape) with a sentence that names the
// argument, says what was expected and what was given. Nothing is changed before the checks pass.
// Calls made inside a checked call (train calling forwardPass) trust their arguments: everything
// is checked once, at the boundary.

import { Matrix } from "./matrix.js";

let depth = 0; // how many checked calls are running (JavaScript runs one call at a time)

/** `method`, checking its arguments with CHECKS[name] at the outermost call. */
export function checked(name, method) {
  const check = CHECKS[name];
  return function checkedMethod(...args) {
    if (depth > 0) return method.apply(this, args);
    const checkedArgs = check(this, ...args);
    depth += 1;
    try {
      return method.apply(this, checkedArgs);
    } finally {
      depth -= 1;
    }
  };
}

/** The constructor's arguments, checked; a null seed becomes a fresh random one (0 to 2^32 - 1). */
export function checkNetwork(layerSizes, alpha, seed, weightScale) {
  if (!Array.isArray(layerSizes)) {
    throw new TypeError(
      `layerSizes must be an array of integers such as [1, 4, 3, 1]; got ${show(layerSizes)}.`,
    );
  }
  if (layerSizes.length < 2) {
    throw new RangeError(
      `layerSizes must list at least two layers (input and output); got ${show(layerSizes)}.`,
    );
  }
  const sizes = layerSizes.map((n, i) => count(`layerSizes[${i}]`, n, 1));
  if (seed === null || seed === undefined) {
    seed = globalThis.crypto
      ? globalThis.crypto.getRandomValues(new Uint32Array(1))[0]
      : Math.floor(Math.random() * 2 ** 32); // Node 18 has no global crypto
  } else if (typeof seed === "bigint") {
    if (seed < 0n) throw new RangeError(`seed must be at least 0; got ${seed}.`);
  } else {
    seed = count("seed", seed, 0);
  }
  if (weightScale !== "he") {
    if (typeof weightScale === "string") {
      throw new RangeError(`weightScale must be a positive number or "he"; got ${show(weightScale)}.`);
    }
    weightScale = real("weightScale", weightScale, { positive: true });
  }
  return { layerSizes: sizes, alpha: real("alpha", alpha), seed, weightScale };
}

// ---------------------------------------------------------------------------------------------
// One check per public method: each returns the arguments, converted, as an array.

const CHECKS = {
  forwardPass(network, X, work) {
    parameters(network);
    X = matrix("X", X, { nRows: network.layerSizes[0], rows: "input feature" });
    return work === undefined ? [X] : [X, workspace(network, work, X.cols)];
  },

  predict(network, X) {
    return CHECKS.forwardPass(network, X);
  },

  computeLoss(network, Y, Yhat) {
    Y = matrix("Y", Y, { nRows: network.layerSizes.at(-1), rows: "output" });
    return [Y, matrix("Yhat", Yhat, { nRows: Y.rows, nCols: Y.cols, rows: "output" })];
  },

  backwardPass(network, activations, zs, Y, work) {
    parameters(network);
    const sizes = network.layerSizes;
    if (!Array.isArray(activations) || activations.length === 0) {
      throw new TypeError("activations must be the array that forwardPass returned.");
    }
    const X = matrix("activations[0]", activations[0], { nRows: sizes[0], rows: "input feature" });
    const shapes = sizes.map((n) => [n, X.cols]);
    activations = like("activations", activations, shapes);
    zs = like("zs", zs, shapes.slice(1));
    Y = matrix("Y", Y, { nRows: sizes.at(-1), nCols: X.cols, rows: "output" });
    return work === undefined
      ? [activations, zs, Y]
      : [activations, zs, Y, workspace(network, work, X.cols)];
  },

  update(network, dW, dB, learningRate) {
    parameters(network);
    learningRate = real("learningRate", learningRate, { positive: true });
    dW = like("dW", dW, network.weights.map((W) => W.shape), "unit of the layer before");
    dB = like("dB", dB, network.biases.map((b) => b.shape), "bias column");
    return [dW, dB, learningRate];
  },

  train(network, X, Y, epochs, learningRate) {
    [X, Y] = checkData(network, X, Y);
    epochs = count("epochs", epochs, 0);
    if (learningRate !== undefined) {
      learningRate = real("learningRate", learningRate, { positive: true });
    }
    return [X, Y, epochs, learningRate]; // undefined: the method's default
  },
};

// ---------------------------------------------------------------------------------------------
// What the checks are made of.

function show(value) {
  if (typeof value === "bigint") return `${value}n`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

export function real(name, value, { positive = false } = {}) {
  if (typeof value !== "number") {
    throw new TypeError(`${name} must be a number; got ${show(value)} of type ${typeof value}.`);
  }
  if (!Number.isFinite(value)) throw new RangeError(`${name} must be finite; got ${value}.`);
  if (positive && value <= 0) {
    throw new RangeError(`${name} must be greater than 0; got ${value}.`);
  }
  return value;
}

export function count(name, value, minimum) {
  if (typeof value !== "number" || !Number.isSafeInteger(value)) {
    throw new TypeError(`${name} must be an integer; got ${show(value)} of type ${typeof value}.`);
  }
  if (value < minimum) throw new RangeError(`${name} must be at least ${minimum}; got ${value}.`);
  return value;
}

/**
 * `value` as a Matrix of finite numbers with at least one column (and the given shape), or throw.
 * A Matrix is returned as it is; nested arrays, one inner array per row, become a new Matrix.
 */
export function matrix(name, value, { nRows, nCols, rows = "unit", columns = "sample" } = {}) {
  let result = value;
  if (!(value instanceof Matrix)) {
    const nested =
      Array.isArray(value) &&
      value.length > 0 &&
      value.every((row) => Array.isArray(row) && row.length === value[0].length);
    if (!nested || !value.flat().every((x) => typeof x === "number")) {
      const flat = Array.isArray(value) && !Array.isArray(value[0]);
      const hint = flat ? ` A single ${rows} is one row: wrap it as [[...]].` : "";
      throw new TypeError(
        `${name} must be a Matrix or nested arrays of numbers, one inner array per ${rows}; ` +
          `got ${show(value)}.${hint}`,
      );
    }
    result = Matrix.from(value);
  } else if (!(value.data instanceof Float64Array) || value.data.length !== value.rows * value.cols) {
    throw new TypeError(`${name} must hold rows * cols entries in a Float64Array.`);
  }
  const shape = `(${result.rows}, ${result.cols})`;
  if (result.cols < 1) {
    throw new RangeError(`${name} must hold at least one ${columns} (column); got shape ${shape}.`);
  }
  const wrongShape = result.rows !== nRows || result.cols !== nCols;
  if (nRows !== undefined && nCols !== undefined && wrongShape) {
    throw new RangeError(
      `${name} must have shape (${nRows}, ${nCols}), one row per ${rows} and one column per ` +
        `${columns}; got shape ${shape}.`,
    );
  }
  if (nRows !== undefined && result.rows !== nRows) {
    throw new RangeError(`${name} must have ${nRows} row(s), one per ${rows}; got shape ${shape}.`);
  }
  if (!result.data.every(Number.isFinite)) {
    throw new RangeError(`${name} must hold only finite numbers; it contains NaN or infinity.`);
  }
  return result;
}

/** `arrays` as an array of matrices with exactly the given shapes, or throw. */
function like(name, arrays, shapes, columns = "sample") {
  if (!Array.isArray(arrays) || arrays.length !== shapes.length) {
    const got = Array.isArray(arrays) ? `an array of ${arrays.length}` : typeof arrays;
    throw new TypeError(`${name} must be an array of ${shapes.length} matrices, one per layer; got ${got}.`);
  }
  return arrays.map((a, i) =>
    matrix(`${name}[${i}]`, a, { nRows: shapes[i][0], nCols: shapes[i][1], columns }),
  );
}

/** Throw if weights or biases assigned by hand lost the shapes the network was built with. */
function parameters(network) {
  const pairs = network.layerSizes.slice(1).map((n, i) => [network.layerSizes[i], n]);
  like("weights", network.weights, pairs.map(([nIn, nOut]) => [nOut, nIn]), "unit of the layer before");
  like("biases", network.biases, pairs.map(([, nOut]) => [nOut, 1]), "bias column");
}

/** [X, Y] as matrices of the network's input and output sizes, with as many samples each. */
export function checkData(network, X, Y) {
  parameters(network);
  X = matrix("X", X, { nRows: network.layerSizes[0], rows: "input feature" });
  Y = matrix("Y", Y, { nRows: network.layerSizes.at(-1), nCols: X.cols, rows: "output" });
  return [X, Y];
}

/** A workspace made by network.workspace(nSamples), or throw. */
function workspace(network, work, nSamples) {
  if (typeof work !== "object" || work === null || !Array.isArray(work.zs) || work.zs[0]?.cols !== nSamples) {
    throw new TypeError(`work must be network.workspace(${nSamples}), for ${nSamples} samples.`);
  }
  return work;
}
