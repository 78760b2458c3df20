// The playground's setting: its defaults and limits, its place in the page's address, and the words
// that sum up a run. No drawing and no page here, so Node tests every function (tests/js).
//
// A setting is { learningRate, alpha, layerSizes, seed, epochs, points }, where points is the
// reader's data: an array of [x, y] pairs, each one sample (X has shape (1, n), Y shape (1, n)).
// The words of a finished run are book/playground.py's Run.headline(), character for character.

import { ALPHA, LEARNING_RATE, SEED, X_TRAIN, Y_TRAIN } from "./mlp.js";
import { formatFixed, formatG } from "./pyformat.js";

/** The book's three points, [x, y] each. */
export const BOOK_POINTS = Object.freeze(X_TRAIN[0].map((x, i) => Object.freeze([x, Y_TRAIN[0][i]])));

/** The network shapes the book uses, by name; any other shape is "custom". */
export const BOOK_SHAPES = Object.freeze({
  "[1, 1, 1]": [1, 1, 1],
  "[1, 4, 3, 1]": [1, 4, 3, 1],
  "[1, 16, 16, 1]": [1, 16, 16, 1],
  "[1, 32, 32, 1]": [1, 32, 32, 1],
});

export const DEFAULT_SETTING = Object.freeze({
  learningRate: LEARNING_RATE,
  alpha: ALPHA,
  layerSizes: [1, 4, 3, 1],
  seed: SEED,
  epochs: 100,
  points: BOOK_POINTS,
});

/** What the controls allow. */
export const LIMITS = Object.freeze({
  learningRate: [0.001, 10], // a log-scale slider over these four decades
  alpha: [0, 0.5],
  epochs: [0, 2000],
  seed: [0, 2 ** 32 - 1],
  hiddenLayers: 2, // at most [1, 32, 32, 1]
  hiddenUnits: 32,
  points: 50,
  x: [-2, 4], // the fit's axes, as in book/playground.py (X_RANGE, Y_LIMITS); points stay inside
  y: [-2, 8],
});

/** A learning rate from the slider's position, log10 of the rate: three significant digits. */
export function rateFromExponent(exponent) {
  return Number((10 ** exponent).toPrecision(3));
}

/** A data coordinate as the page keeps it: rounded to hundredths, so that it reads back exactly. */
export function roundCoordinate(value) {
  return Number(value.toFixed(2));
}

/**
 * Layer sizes from what a reader types ("1, 8, 8, 1", "[1, 8, 1]", "1 8 1").
 * @param {string} text
 * @returns {number[]}
 * @throws {RangeError} with a sentence saying what is allowed
 */
export function parseLayers(text) {
  const parts = String(text).replace(/[[\]]/g, " ").split(/[\s,]+/).filter(Boolean);
  const sizes = parts.map(Number);
  const allowed =
    `layers must read like 1, 8, 8, 1: one input, at most ${LIMITS.hiddenLayers} hidden layers ` +
    `of 1 to ${LIMITS.hiddenUnits} units, one output`;
  const hidden = sizes.slice(1, -1);
  if (
    sizes.length < 2 ||
    !sizes.every(Number.isInteger) ||
    sizes[0] !== 1 ||
    sizes.at(-1) !== 1 ||
    hidden.length > LIMITS.hiddenLayers ||
    hidden.some((n) => n < 1 || n > LIMITS.hiddenUnits)
  ) {
    throw new RangeError(`${allowed}; got "${String(text).trim()}".`);
  }
  return sizes;
}

/** Layer sizes as the book writes them: "[1, 4, 3, 1]". */
export function layersName(sizes) {
  return `[${sizes.join(", ")}]`;
}

// ---------------------------------------------------------------------------------------------
// The address: ?rate=0.2&alpha=0.05&layers=1,8,1&seed=7&epochs=300&points=2,3;-1,1&epoch=40
// Only what differs from the defaults is written; what cannot be read is left at its default.

const inRange = (value, [low, high]) => Number.isFinite(value) && value >= low && value <= high;

/**
 * The setting (and the epoch to show) that a query string asks for.
 * @param {string} search - e.g. location.search
 * @param {object} [defaults] - DEFAULT_SETTING, or the page's own defaults
 * @returns {{setting: object, epoch: number|null}} epoch null: the whole run
 */
export function readQuery(search, defaults = DEFAULT_SETTING) {
  const query = new URLSearchParams(search);
  const setting = { ...defaults };
  const number = (key) => (query.has(key) ? Number(query.get(key)) : NaN);
  if (inRange(number("rate"), LIMITS.learningRate)) setting.learningRate = number("rate");
  if (inRange(number("alpha"), LIMITS.alpha)) setting.alpha = number("alpha");
  if (Number.isInteger(number("seed")) && inRange(number("seed"), LIMITS.seed)) {
    setting.seed = number("seed");
  }
  if (Number.isInteger(number("epochs")) && inRange(number("epochs"), LIMITS.epochs)) {
    setting.epochs = number("epochs");
  }
  if (query.has("layers")) {
    try {
      setting.layerSizes = parseLayers(query.get("layers"));
    } catch {
      // an address typed by hand: keep the default shape
    }
  }
  if (query.has("points")) {
    const points = query
      .get("points")
      .split(";")
      .filter(Boolean)
      .map((pair) => pair.split(",").map(Number));
    const valid = points.every(
      (p) => p.length === 2 && inRange(p[0], LIMITS.x) && inRange(p[1], LIMITS.y),
    );
    if (valid && points.length >= 1 && points.length <= LIMITS.points) {
      setting.points = points.map(([x, y]) => [roundCoordinate(x), roundCoordinate(y)]);
    }
  }
  const epoch = number("epoch");
  return {
    setting,
    epoch: Number.isInteger(epoch) && epoch >= 0 && epoch <= setting.epochs ? epoch : null,
  };
}

/**
 * The query string of a setting: only what differs from the defaults ("" for the defaults).
 * @param {object} setting
 * @param {number|null} epoch - the epoch shown, or null for the whole run
 * @param {object} [defaults]
 * @returns {string} "" or "?key=value&..."
 */
export function writeQuery(setting, epoch = null, defaults = DEFAULT_SETTING) {
  const parts = [];
  const pointsText = (points) => points.map(([x, y]) => `${x},${y}`).join(";");
  if (setting.learningRate !== defaults.learningRate) parts.push(`rate=${setting.learningRate}`);
  if (setting.alpha !== defaults.alpha) parts.push(`alpha=${setting.alpha}`);
  if (setting.layerSizes.join(",") !== defaults.layerSizes.join(",")) {
    parts.push(`layers=${setting.layerSizes.join(",")}`);
  }
  if (setting.seed !== defaults.seed) parts.push(`seed=${setting.seed}`);
  if (setting.epochs !== defaults.epochs) parts.push(`epochs=${setting.epochs}`);
  if (pointsText(setting.points) !== pointsText(defaults.points)) {
    parts.push(`points=${pointsText(setting.points)}`);
  }
  if (epoch !== null && epoch !== setting.epochs) parts.push(`epoch=${epoch}`);
  return parts.length ? `?${parts.join("&")}` : "";
}

// ---------------------------------------------------------------------------------------------
// Words about a run, as book/playground.py says them.

/**
 * True when the loss swung by more than a factor 2 over the last 10 epochs (Run.still_jumping).
 * @param {Float64Array|number[]} losses
 */
export function stillJumping(losses) {
  const last = Array.from(losses.slice(-10));
  return last.length > 1 && Math.max(...last) > 2 * Math.min(...last);
}

/**
 * What a finished run came to, in Run.headline()'s words.
 * @param {Float64Array|number[]} losses - the loss of each epoch trained, before its update
 * @param {number|null} divergedAt - the epoch whose loss was not finite, or null
 * @returns {string}
 */
export function headline(losses, divergedAt) {
  if (divergedAt !== null) return `diverged at epoch ${divergedAt}: learning rate too large`;
  if (losses.length === 0) return "no epochs trained";
  if (stillJumping(losses)) return "not settled: the loss still jumps from epoch to epoch";
  return `final loss ${formatFixed(losses[losses.length - 1], 4)}`;
}

/** A setting in words, as Setting.describe() says it (the data added when they are not the book's). */
export function describeSetting(setting) {
  const own = writeQuery({ ...DEFAULT_SETTING, points: setting.points }).length > 0;
  return (
    `layers ${layersName(setting.layerSizes)}, learning rate ${formatG(setting.learningRate)}, ` +
    `alpha ${formatG(setting.alpha)}, ${setting.epochs} epochs, seed ${setting.seed}` +
    (own ? `, on your ${setting.points.length} points` : "")
  );
}

/** A list in words: "a", "a and b", "a, b and c". */
export function listInWords(items) {
  return items.length < 2 ? items.join("") : `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
}

/** A number for a reader: up to 3 decimals, no trailing zeros, a true minus sign. */
export function readable(x) {
  if (!Number.isFinite(x)) return String(x);
  const text = String(Number(x.toFixed(Math.abs(x) >= 100 ? 1 : 3)));
  return text.replace("-", "\u2212");
}

/**
 * A sentence on the fitted function: what it predicts at the data, and where it bends.
 * @param {number[][]} points - [x, y] pairs
 * @param {number[]} predictions - the network's output at each point's x
 * @param {number[]} kinks - the x at which a hidden unit's pre-activation crosses 0, inside the
 *   plotted range: where the function may bend
 * @returns {string}
 */
export function describeFit(points, predictions, kinks) {
  const misses = points.map(([, y], i) => Math.abs(predictions[i] - y));
  const worst = misses.indexOf(Math.max(...misses));
  const at =
    points.length <= 5
      ? `At x = ${listInWords(points.map(([x]) => readable(x)))} the network predicts ` +
        `${listInWords(predictions.map(readable))} (targets ` +
        `${listInWords(points.map(([, y]) => readable(y)))}). `
      : `Over the ${points.length} points the mean miss is ` +
        `${readable(misses.reduce((s, m) => s + m, 0) / misses.length)}. `;
  const largest = `Its largest miss is ${readable(misses[worst])}, at x = ${readable(points[worst][0])}. `;
  const range = `between x = ${readable(LIMITS.x[0])} and ${readable(LIMITS.x[1])}`;
  const bends =
    kinks.length === 0
      ? `No hidden unit switches sides ${range}: there the function is a straight line.`
      : kinks.length <= 6
        ? `It can bend where a hidden unit switches sides: at x = ${listInWords(kinks.map(readable))}.`
        : `It can bend at ${kinks.length} places ${range}, where a hidden unit switches sides.`;
  return at + largest + bends;
}
