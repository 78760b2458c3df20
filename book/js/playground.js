// The playground on the page: the book's network trains here, in the reader's browser, with the
// engine of mlp.js (equal to mlp_core, tests/test_engine.py), and is drawn as it trains.
//
// mount(root, options) builds it inside `root`. Which controls and pictures it shows is an option,
// so chapter 11 gets all of them, chapter 9 only the learning rate, chapter 4 only alpha:
//   controls  "rate", "alpha", "layers", "seed", "epochs", "buttons" (play, pause, step, reset),
//             "points" (the reader's data: move, add and remove points on the fit)
//   panels    "fit" (the function over the data), "loss" (log scale), "units" (one small picture per hidden unit), "network"
//             (every weight; hover or focus shows its value and gradient), "activation" (Leaky ReLU
//             and its derivative for the current alpha)
// A run is a TrainingRun (training_run.js); the picture shows its network after `run.epoch`
// updates. Training runs in the page's animation frames, a few milliseconds at a time, so the page
// never freezes. The words of a finished run are book/playground.py's (playground_state.js).

import { Matrix } from "./matrix.js";
import { leakyRelu, leakyReluDerivative } from "./mlp.js";
import { formatFixed, formatG } from "./pyformat.js";
import {
  BOOK_POINTS,
  BOOK_SHAPES,
  DEFAULT_SETTING,
  LIMITS,
  describeFit,
  describeSetting,
  headline,
  layersName,
  parseLayers,
  rateFromExponent,
  readQuery,
  readable,
  roundCoordinate,
  writeQuery,
} from "./playground_state.js";
import { Plot, htmlElement, polylinePoints, svgElement } from "./svg_plot.js";
import { TrainingRun } from "./training_run.js";

const ALL_CONTROLS = ["rate", "alpha", "layers", "seed", "epochs", "buttons", "points"];
const ALL_PANELS = ["fit", "loss", "units", "network"];
const CURVE_POINTS = 121; // x values across the fit's axis for the drawn curves (steps of 0.05)
const UNIT_STEP = 2; // a unit's small picture uses every other one: 61 points over 64 pixels
const WIDTHS = 8; // line widths of the weights, from 0.5 px (w = 0) to 4 px (the layer's largest |w|)
const FRAME_MS = 1000 / 60; // a frame at 60 frames per second: training, then drawing, in this time
const PLAY_SECONDS = 3; // a run plays in about this time, whatever its number of epochs
const ANNOUNCE_EVERY_MS = 3000; // screen readers hear epoch and loss at most this often
const fourDecimals = (x) => formatFixed(x, 4);

/**
 * Build the playground inside `root` and start it.
 * @param {HTMLElement} root
 * @param {object} [options]
 * @param {string[]} [options.controls] - see the top of this file (all)
 * @param {string[]} [options.panels] - see the top of this file (fit, loss, units, network)
 * @param {object} [options.setting] - the page's defaults, e.g. { learningRate: 0.1 }
 * @param {boolean} [options.url] - keep the setting in the page's address (false)
 * @returns {Playground}
 */
export function mount(root, options = {}) {
  return new Playground(root, options);
}

/** An id no other element of the page has. */
function uniqueId() {
  let id;
  do id = `bfs-${Math.random().toString(36).slice(2, 10)}`;
  while (document.getElementById(id));
  return id;
}

/** True inside JupyterLab or Notebook, whose address belongs to the application. */
function inJupyter() {
  return document.getElementById("jupyter-config-data") !== null;
}

export class Playground {
  constructor(root, { controls = ALL_CONTROLS, panels = ALL_PANELS, setting = {}, url = false }) {
    this.root = root;
    this.controls = controls;
    this.panels = panels;
    this.defaults = { ...DEFAULT_SETTING, ...setting };
    this.useUrl = url && !inJupyter();
    const start = this.useUrl
      ? readQuery(location.search, this.defaults)
      : { setting: { ...this.defaults }, epoch: null };
    this.setting = start.setting;
    this.reducedMotion = matchMedia("(prefers-reduced-motion: reduce)").matches;
    this.playing = false;
    /** Epochs per frame while playing: null for a run in about PLAY_SECONDS, "budget" for as many
     * as a 60 fps frame allows (benchmarks/bench_engine.py). */
    this.speed = null;
    this.drawMs = 6; // how long the last drawing took
    this.lastAnnounced = -Infinity;
    this.inspected = null; // {kind: "unit" | "weight", ...} under the pointer or the focus
    this.build();
    this.restart(start.epoch);
    if (this.useUrl) {
      addEventListener("popstate", () => {
        const back = readQuery(location.search, this.defaults);
        this.setting = back.setting;
        this.playing = false;
        this.showSetting();
        this.restart(back.epoch);
      });
    }
    root.bfs = this; // for the tests and the benchmark
  }

  // --- The run ---------------------------------------------------------------------------------

  get trains() {
    return this.panels.some((p) => p !== "activation");
  }

  /** A new run of the current setting, trained (over the next frames) up to `epoch`, or to the end. */
  restart(epoch = null) {
    const { layerSizes, learningRate, alpha, seed, points } = this.setting;
    this.X = new Matrix(1, points.length, Float64Array.from(points, ([x]) => x));
    this.Y = new Matrix(1, points.length, Float64Array.from(points, ([, y]) => y));
    this.run = this.trains
      ? new TrainingRun({ layerSizes, X: this.X, Y: this.Y, learningRate, alpha, seed })
      : null;
    this.goal = epoch ?? this.setting.epochs;
    this.cache = null;
    this.changed();
  }

  /**
   * Change part of the setting: keep playing if playing; after a whole run, show the whole new
   * run; else the same epoch of the new one. `commit`: a new entry in the page's history (the
   * end of a move); while a slider or a point is still moving, the address waits.
   */
  change(part, { commit = true } = {}) {
    const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
    if (!Object.entries(part).every(([key, value]) => same(this.setting[key], value))) {
      // Where the run is heading (it may still be on its way there): the end, or an epoch.
      const whole = !this.run || this.run.diverged || this.goal >= this.setting.epochs;
      const epoch = this.playing ? 0 : whole ? null : this.goal;
      this.setting = { ...this.setting, ...part };
      this.restart(epoch === null ? null : Math.min(epoch, this.setting.epochs));
    }
    if (commit) this.saveToUrl(true);
  }

  get finished() {
    return !this.run || this.run.diverged !== null || this.run.epoch >= this.setting.epochs;
  }

  /** Where training is heading: the end while playing, else the epoch asked for. */
  get target() {
    return this.playing ? this.setting.epochs : Math.min(this.goal, this.setting.epochs);
  }

  /**
   * Train towards `limit` for at most `budget` ms, in chunks sized by the last epochs' speed. The
   * budget is what a 60 fps frame leaves after the last drawing took its time (2 ms at least).
   */
  train(limit, budget = Math.max(2, FRAME_MS - this.drawMs - 2)) {
    const run = this.run;
    const start = performance.now();
    let chunk = 1;
    while (run.epoch < limit && !run.diverged) {
      const before = performance.now();
      run.step(Math.min(chunk, limit - run.epoch));
      const now = performance.now();
      if (now - start >= budget) break;
      const perEpoch = (now - before) / chunk;
      chunk = Math.max(1, Math.floor((budget - (now - start)) / Math.max(perEpoch, 1e-3) / 2));
    }
  }

  /** Ask for a frame (the only place that trains and draws). */
  changed() {
    this.dirty = true;
    if (!this.frameRequested) {
      this.frameRequested = true;
      if (this.reducedMotion && this.playing) {
        setTimeout(() => this.frame(), 250);
      } else {
        requestAnimationFrame(() => this.frame());
      }
    }
  }

  frame() {
    this.frameRequested = false;
    const run = this.run;
    let busy = false;
    if (run && !run.diverged && run.epoch < this.target) {
      const ticks = PLAY_SECONDS * (this.reducedMotion ? 4 : 60);
      const perTick = this.speed === "budget" ? Infinity : Math.max(1, Math.ceil(this.setting.epochs / ticks));
      const limit = this.playing ? Math.min(this.target, run.epoch + perTick) : this.target;
      this.train(limit);
      this.cache = null;
      busy = !run.diverged && run.epoch < this.target;
      this.dirty = true;
    }
    if (this.playing && this.finished) {
      this.playing = false;
      this.goal = this.run.epoch;
      this.saveToUrl(false);
    }
    if (this.dirty) {
      this.dirty = false;
      const start = performance.now();
      this.draw(busy);
      this.drawMs = performance.now() - start;
    }
    if (busy) this.changed();
  }

  play() {
    if (this.finished) this.restart(0); // from the start again
    this.playing = true;
    this.changed();
  }

  pause() {
    this.playing = false;
    this.goal = this.run ? this.run.epoch : 0;
    this.saveToUrl(false);
    this.changed();
  }

  step() {
    this.playing = false;
    if (this.run && !this.finished) this.goal = this.run.epoch + 1;
    this.saveToUrl(false);
    this.changed();
  }

  reset() {
    this.playing = false;
    this.restart(0);
    this.saveToUrl(false);
  }

  /** The network the pictures show: the run's, or its last finite epoch once it diverged. */
  shown() {
    if (this.cache) return this.cache;
    const run = this.run;
    let network = run.network;
    if (run.diverged) network = run.epoch > 0 ? run.at(run.epoch - 1).network : run.checkpoints[0];
    // The function on a grid of x, every layer kept: the curves of the fit and of each unit.
    const [low, high] = LIMITS.x;
    const xs = Float64Array.from({ length: CURVE_POINTS }, (_, i) => low + ((high - low) * i) / (CURVE_POINTS - 1));
    const curve = network.forwardPass(new Matrix(1, CURVE_POINTS, xs));
    // Its loss and gradients on the data, as the next update would use them.
    const { activations, zs } = network.forwardPass(this.X);
    const loss = network.computeLoss(this.Y, activations.at(-1));
    const { dW, dB } = network.backwardPass(activations, zs, this.Y);
    this.cache = { network, xs, curve, activations, zs, loss, dW, dB };
    return this.cache;
  }

  // --- The address -----------------------------------------------------------------------------

  /** Write the setting into the address: a new history entry (push), or in place of this one. */
  saveToUrl(push) {
    if (!this.useUrl) return;
    const epoch = this.run && !this.finished ? this.goal : null;
    const query = writeQuery(this.setting, epoch, this.defaults);
    const url = `${location.pathname}${query}${location.hash}`;
    if (url === `${location.pathname}${location.search}${location.hash}`) return;
    history[push ? "pushState" : "replaceState"](null, "", url);
  }

  // --- The page --------------------------------------------------------------------------------

  build() {
    const root = this.root;
    this.element = htmlElement("div", { class: "bfs-live" }, root);
    if (this.controls.length) this.buildControls(htmlElement("div", { class: "bfs-controls" }, this.element));
    this.caption = htmlElement("p", { class: "bfs-caption" }, this.element);
    const panels = htmlElement("div", { class: "bfs-panels" }, this.element);
    const builders = {
      fit: () => this.buildFit(panels),
      loss: () => this.buildLoss(panels),
      activation: () => this.buildActivation(panels),
      units: () => this.buildUnits(),
      network: () => this.buildNetwork(),
    };
    for (const panel of this.panels) builders[panel]();
    if (this.panels.includes("units") || this.panels.includes("network")) {
      this.inspector = htmlElement("p", { class: "bfs-inspector" }, this.element);
    }
    this.status = htmlElement("p", { class: "bfs-visually-hidden", role: "status", "aria-live": "polite" }, this.element);
    for (const child of root.children) {
      if (child.matches(".bfs-fallback")) child.hidden = true;
    }
    this.showSetting();
  }

  /** A labelled control: `<label>name <input></label>` and a visible value beside it. */
  control(parent, name, input, hint = null) {
    const box = htmlElement("div", { class: "bfs-control" }, parent);
    const label = htmlElement("label", {}, box);
    htmlElement("span", { class: "bfs-label" }, label, name);
    label.appendChild(input);
    const value = htmlElement("output", { "aria-hidden": "true" }, box);
    if (hint) htmlElement("span", { class: "bfs-hint" }, box, hint);
    return value;
  }

  buildControls(box) {
    const has = (name) => this.controls.includes(name);
    const inputs = (this.inputs = {});
    const limits = LIMITS;
    if (has("rate")) {
      inputs.rate = htmlElement("input", { type: "range", min: Math.log10(limits.learningRate[0]), max: Math.log10(limits.learningRate[1]), step: 0.01 });
      this.rateValue = this.control(box, "learning rate (log scale)", inputs.rate);
      const read = () => rateFromExponent(Number(inputs.rate.value));
      inputs.rate.addEventListener("input", () => this.set({ learningRate: read() }, false));
      inputs.rate.addEventListener("change", () => this.set({ learningRate: read() }, true));
    }
    if (has("alpha")) {
      inputs.alpha = htmlElement("input", { type: "range", min: limits.alpha[0], max: limits.alpha[1], step: 0.01 });
      this.alphaValue = this.control(box, "alpha, the Leaky ReLU slope", inputs.alpha);
      inputs.alpha.addEventListener("input", () => this.set({ alpha: Number(inputs.alpha.value) }, false));
      inputs.alpha.addEventListener("change", () => this.set({ alpha: Number(inputs.alpha.value) }, true));
    }
    if (has("layers")) {
      inputs.layers = htmlElement("select", {});
      for (const name of [...Object.keys(BOOK_SHAPES), "custom"]) {
        htmlElement("option", { value: name }, inputs.layers, name === "custom" ? "your own…" : name);
      }
      this.control(box, "layers", inputs.layers);
      inputs.custom = htmlElement("input", { type: "text", inputmode: "numeric", autocomplete: "off", spellcheck: "false", placeholder: "1, 8, 8, 1" });
      this.customBox = htmlElement("div", { class: "bfs-control" }, box);
      const label = htmlElement("label", {}, this.customBox);
      htmlElement("span", { class: "bfs-label" }, label, "your layers");
      label.appendChild(inputs.custom);
      this.layersError = htmlElement("span", { class: "bfs-hint", "aria-live": "polite" }, this.customBox);
      inputs.layers.addEventListener("change", () => {
        if (inputs.layers.value === "custom") {
          this.customBox.hidden = false;
          inputs.custom.value = this.setting.layerSizes.join(", ");
          inputs.custom.focus();
        } else {
          this.set({ layerSizes: BOOK_SHAPES[inputs.layers.value] }, true);
        }
      });
      inputs.custom.addEventListener("change", () => {
        try {
          const layerSizes = parseLayers(inputs.custom.value);
          inputs.custom.removeAttribute("aria-invalid");
          this.layersError.textContent = "";
          this.set({ layerSizes }, true);
        } catch (error) {
          inputs.custom.setAttribute("aria-invalid", "true");
          this.layersError.textContent = `${error.message[0].toUpperCase()}${error.message.slice(1)}`;
        }
      });
    }
    const integer = (name, key, [low, high]) => {
      const input = htmlElement("input", { type: "number", min: low, max: high, step: 1, inputmode: "numeric" });
      this.control(box, name, input);
      input.addEventListener("change", () => {
        const value = Number(input.value);
        if (Number.isInteger(value) && value >= low && value <= high) {
          input.removeAttribute("aria-invalid");
          this.set({ [key]: value }, true);
        } else {
          input.setAttribute("aria-invalid", "true");
        }
      });
      return input;
    };
    if (has("seed")) inputs.seed = integer("seed", "seed", limits.seed);
    if (has("epochs")) inputs.epochs = integer("epochs", "epochs", limits.epochs);
    if (has("buttons")) {
      const bar = htmlElement("div", { class: "bfs-buttons" }, box);
      this.playButton = htmlElement("button", { type: "button" }, bar, "Play");
      this.playButton.addEventListener("click", () => (this.playing ? this.pause() : this.play()));
      this.stepButton = htmlElement("button", { type: "button" }, bar, "One step");
      this.stepButton.addEventListener("click", () => this.step());
      this.resetButton = htmlElement("button", { type: "button" }, bar, "Reset");
      this.resetButton.addEventListener("click", () => this.reset());
    }
  }

  /** Change part of the setting from a control. */
  set(part, commit) {
    this.change(part, { commit });
    this.showSetting();
  }

  /** Put the setting into the controls (after a change, a link or the back button). */
  showSetting() {
    const { inputs = {} } = this;
    const s = this.setting;
    if (inputs.rate) {
      inputs.rate.value = Math.log10(s.learningRate);
      inputs.rate.setAttribute("aria-valuetext", formatG(s.learningRate));
      this.rateValue.textContent = formatG(s.learningRate);
    }
    if (inputs.alpha) {
      inputs.alpha.value = s.alpha;
      inputs.alpha.setAttribute("aria-valuetext", formatG(s.alpha));
      this.alphaValue.textContent = formatG(s.alpha);
    }
    if (inputs.layers) {
      const name = layersName(s.layerSizes);
      const book = name in BOOK_SHAPES;
      inputs.layers.value = book ? name : "custom";
      this.customBox.hidden = book;
      if (!book && document.activeElement !== inputs.custom) inputs.custom.value = s.layerSizes.join(", ");
    }
    if (inputs.seed) inputs.seed.value = s.seed;
    if (inputs.epochs) inputs.epochs.value = s.epochs;
  }

  // --- The pictures ----------------------------------------------------------------------------

  figure(parent, title, wide = false) {
    const figure = htmlElement("figure", { class: `bfs-figure${wide ? " bfs-wide" : ""}` }, parent);
    htmlElement("figcaption", {}, figure, title);
    return figure;
  }

  buildFit(parent) {
    const figure = this.figure(parent, "the fitted function and the data");
    const plot = (this.fitPlot = new Plot(figure, {
      label: "The network's function over the data",
      x: { domain: LIMITS.x, label: "input x" },
      y: { domain: LIMITS.y, label: "prediction" },
    }));
    plot.svg.classList.add("bfs-fit");
    // Points the reader can move are controls: a picture holding controls is a group, not an image.
    if (this.controls.includes("points")) plot.svg.setAttribute("role", "group");
    this.background = svgElement("rect", { class: "bfs-hit", x: 0, y: 0, width: 0, height: 0 }, plot.area);
    if (this.controls.includes("points")) this.background.classList.add("bfs-editable");
    this.curve = svgElement("polyline", { class: "bfs-curve" }, plot.area);
    this.pointGroup = svgElement("g", {}, plot.svg);
    this.message = svgElement("text", { class: "bfs-message", "text-anchor": "middle" }, plot.overlay);
    plot.onResize = () => this.draw();
    this.description = htmlElement("p", { class: "bfs-description", id: uniqueId() }, figure);
    plot.svg.setAttribute("aria-describedby", this.description.id);
    if (!this.controls.includes("points")) return;
    const tools = htmlElement("div", { class: "bfs-buttons" }, figure);
    htmlElement("p", { class: "bfs-hint" }, tools, "Drag a point, click to add one, double-click (or focus it and press Delete) to remove it; arrow keys move a focused point.");
    this.addButton = htmlElement("button", { type: "button" }, tools, "Add a point");
    this.addButton.addEventListener("click", () => this.addPoint(null));
    this.bookButton = htmlElement("button", { type: "button" }, tools, "The book's three points");
    this.bookButton.addEventListener("click", () => this.setPoints(BOOK_POINTS.map((p) => [...p]), null));
    this.listenToPoints(plot);
  }

  /** Pointer and keyboard on the data: drag, add, remove, move. */
  listenToPoints(plot) {
    let drag = null;
    const at = (event) => {
      const box = plot.svg.getBoundingClientRect();
      const [x, y] = [plot.x.invert(event.clientX - box.left), plot.y.invert(event.clientY - box.top)];
      const clamp = (v, [low, high]) => roundCoordinate(Math.min(Math.max(v, low), high));
      return [clamp(x, LIMITS.x), clamp(y, LIMITS.y)];
    };
    plot.svg.addEventListener("pointerdown", (event) => {
      const index = event.target.dataset?.point;
      if (index === undefined || event.button !== 0) return;
      drag = { index: Number(index), moved: false };
      event.target.setPointerCapture(event.pointerId);
      event.preventDefault();
    });
    plot.svg.addEventListener("pointermove", (event) => {
      if (!drag) return;
      drag.moved = true;
      const points = this.setting.points.map((p) => [...p]);
      points[drag.index] = at(event);
      this.setPoints(points, drag.index, false);
    });
    plot.svg.addEventListener("pointerup", () => {
      if (drag && drag.moved) this.saveToUrl(true);
      drag = null;
    });
    this.background.addEventListener("click", (event) => this.addPoint(at(event)));
    plot.svg.addEventListener("dblclick", (event) => {
      const index = event.target.dataset?.point;
      if (index !== undefined) this.removePoint(Number(index));
    });
    plot.svg.addEventListener("keydown", (event) => {
      const index = event.target.dataset?.point;
      if (index === undefined) return;
      const i = Number(index);
      const step = event.shiftKey ? 0.01 : 0.1;
      const moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] };
      if (event.key in moves) {
        const [dx, dy] = moves[event.key];
        const points = this.setting.points.map((p) => [...p]);
        const clamp = (v, [low, high]) => roundCoordinate(Math.min(Math.max(v, low), high));
        points[i] = [clamp(points[i][0] + dx, LIMITS.x), clamp(points[i][1] + dy, LIMITS.y)];
        this.setPoints(points, i);
      } else if (event.key === "Delete" || event.key === "Backspace") {
        this.removePoint(i);
      } else {
        return;
      }
      event.preventDefault();
    });
  }

  setPoints(points, focus, commit = true) {
    this.focusPoint = focus;
    this.change({ points }, { commit });
  }

  addPoint(point) {
    const points = this.setting.points.map((p) => [...p]);
    if (points.length >= LIMITS.points) return;
    if (point === null) {
      // Where the picture has room: halfway along the widest gap between points, at the curve.
      const xs = [LIMITS.x[0], ...points.map(([x]) => x).sort((a, b) => a - b), LIMITS.x[1]];
      let best = 0;
      for (let i = 1; i < xs.length; i++) if (xs[i] - xs[i - 1] > xs[best + 1] - xs[best]) best = i - 1;
      const x = roundCoordinate((xs[best] + xs[best + 1]) / 2);
      point = [x, roundCoordinate((LIMITS.y[0] + LIMITS.y[1]) / 2)];
    }
    points.push(point);
    this.setPoints(points, points.length - 1);
  }

  removePoint(index) {
    if (this.setting.points.length <= 1) return;
    const points = this.setting.points.filter((_, i) => i !== index);
    this.setPoints(points, points.length ? Math.min(index, points.length - 1) : null);
  }

  buildLoss(parent) {
    const figure = this.figure(parent, "the loss of each epoch (log scale)");
    this.lossPlot = new Plot(figure, {
      label: "The loss during training",
      x: { domain: [0, this.setting.epochs], label: "epoch" },
      y: { domain: [1e-4, 1e2], log: true, label: "loss" },
    });
    this.lossLine = svgElement("polyline", { class: "bfs-curve" }, this.lossPlot.area);
    this.lossPlot.onResize = () => this.draw();
  }

  buildUnits() {
    const figure = this.figure(this.element, "what each hidden unit computes: its output for every x", true);
    htmlElement("p", { class: "bfs-hint" }, figure, "Solid where the unit's input is positive, dashed on its leaky side; the dot marks its kink. Hover or focus a unit to read its bias and gradient.");
    this.unitsBox = htmlElement("div", { class: "bfs-units" }, figure);
    this.unitsShape = null;
  }

  buildNetwork() {
    const figure = this.figure(this.element, "the weights: blue positive, orange negative, thicker larger", true);
    htmlElement("p", { class: "bfs-hint" }, figure, "Hover a weight or a unit, or focus the picture and use the arrow keys, to read its value and its gradient at this epoch.");
    this.networkBox = htmlElement("div", { class: "bfs-network" }, figure);
    this.networkShape = null;
    new ResizeObserver(() => this.changed()).observe(this.networkBox);
  }

  buildActivation(parent) {
    const left = this.figure(parent, "Leaky ReLU, beside ReLU (dashed)");
    this.activationPlot = new Plot(left, {
      label: "Leaky ReLU and ReLU",
      height: 220,
      x: { domain: [-3, 3], label: "z" },
      y: { domain: [-1.6, 3.1], label: "f(z)" },
    });
    this.reluLine = svgElement("polyline", { class: "bfs-reference" }, this.activationPlot.area);
    this.leakyLine = svgElement("polyline", { class: "bfs-curve" }, this.activationPlot.area);
    const right = this.figure(parent, "its derivative");
    this.derivativePlot = new Plot(right, {
      label: "The derivative of Leaky ReLU",
      height: 220,
      x: { domain: [-3, 3], label: "z" },
      y: { domain: [-0.1, 1.15], label: "f\u2032(z)" },
    });
    this.derivativeLines = [0, 1].map(() => svgElement("polyline", { class: "bfs-curve" }, this.derivativePlot.area));
    this.derivativeDots = [0, 1].map((i) => svgElement("circle", { class: i ? "bfs-open" : "bfs-dot", r: 4 }, this.derivativePlot.area));
    this.activationPlot.onResize = () => this.draw();
    this.derivativePlot.onResize = () => this.draw();
  }

  // --- Drawing ---------------------------------------------------------------------------------

  draw(busy = false) {
    const now = performance.now();
    if (!this.drawn) {
      this.drawn = true;
      performance.mark("bfs-first-picture"); // benchmarks/bench_engine.py reads it
    }
    const quiet = this.playing || busy;
    const announce = !quiet || now - this.lastAnnounced >= ANNOUNCE_EVERY_MS;
    this.drawCaption(announce);
    if (this.panels.includes("activation")) this.drawActivation();
    if (!this.run) return;
    const shown = this.shown();
    if (this.fitPlot) this.drawFit(shown, announce);
    if (this.lossPlot) this.drawLoss();
    if (this.unitsBox) this.drawUnits(shown, quiet);
    if (this.networkBox && (!quiet || now - (this.networkDrawn ?? 0) > 60)) {
      this.drawNetwork(shown);
      this.networkDrawn = now;
    }
    if (this.inspected) this.inspect(this.inspected);
    if (this.playButton) {
      this.playButton.textContent = this.playing ? "Pause" : "Play";
      this.stepButton.disabled = this.finished;
    }
  }

  /** The words above the pictures, and what the screen reader hears. */
  drawCaption(announce) {
    const s = this.setting;
    let text;
    let spoken;
    if (!this.run) {
      text = `alpha = ${formatG(s.alpha)}: ${s.alpha === 0 ? "plain ReLU, flat for z <= 0" : `for z <= 0 the slope is ${formatG(s.alpha)}, not 0`}`;
      spoken = text;
    } else if (this.finished) {
      const words = headline(this.run.losses, this.run.diverged ? this.run.diverged.epoch : null);
      text = `learning rate ${formatG(s.learningRate)}, alpha ${formatG(s.alpha)}: ${words}`;
      spoken = `${this.run.epoch} epochs trained: ${words}.`;
    } else {
      const epoch = this.run.epoch;
      const loss = epoch ? `loss of the last epoch ${fourDecimals(this.run.losses[epoch - 1])} (before its update)` : `loss of the initial weights ${fourDecimals(this.shown().loss)}`;
      text = `${epoch} of ${s.epochs} epochs trained \u00b7 ${loss}`;
      spoken = `${epoch} of ${s.epochs} epochs trained, ${loss}.`;
    }
    this.caption.textContent = text;
    if (announce && spoken !== this.spoken) {
      this.status.textContent = spoken;
      this.spoken = spoken;
      this.lastAnnounced = performance.now();
    }
  }

  drawFit(shown, describe) {
    const plot = this.fitPlot;
    if (!plot.x) return;
    const [x0, x1] = plot.x.range;
    const [y1, y0] = plot.y.range;
    Object.entries({ x: x0, y: y0, width: x1 - x0, height: y1 - y0 }).forEach(([k, v]) => this.background.setAttribute(k, v));
    const diverged = this.run.diverged;
    this.curve.setAttribute("points", diverged ? "" : polylinePoints(shown.xs, shown.curve.activations.at(-1).data, plot.x, plot.y));
    plot.svg.setAttribute("aria-label", `The network's function over the data, for ${describeSetting(this.setting)}`);
    this.message.replaceChildren();
    if (diverged) {
      const [cx, cy] = [(x0 + x1) / 2, (y0 + y1) / 2];
      const lines = [`diverged at epoch ${diverged.epoch}:`, "learning rate too large"];
      lines.forEach((line, i) => {
        const tspan = svgElement("tspan", { x: cx, y: cy + (i - 0.5) * 18 }, this.message);
        tspan.textContent = line;
      });
    }
    // The points: one focusable circle each, with a larger invisible target for fingers.
    const points = this.setting.points;
    const group = this.pointGroup;
    while (group.children.length > points.length) group.lastChild.remove();
    while (group.children.length < points.length) {
      const i = group.children.length;
      const editable = this.controls.includes("points");
      const attributes = editable ? { tabindex: 0, role: "button", "data-point": i } : { "aria-hidden": "true" };
      svgElement("circle", { class: `bfs-point${editable ? " bfs-editable" : ""}`, r: 6, ...attributes }, group);
    }
    points.forEach(([x, y], i) => {
      const circle = group.children[i];
      circle.setAttribute("cx", plot.x.map(x));
      circle.setAttribute("cy", plot.y.map(y));
      if (circle.hasAttribute("data-point")) circle.setAttribute("aria-label", `Data point ${i + 1} of ${points.length}: x = ${readable(x)}, y = ${readable(y)}. Arrow keys move it, Delete removes it.`);
    });
    if (this.focusPoint !== null && this.focusPoint !== undefined) {
      group.children[this.focusPoint]?.focus();
      this.focusPoint = null;
    }
    if (this.addButton) this.addButton.disabled = points.length >= LIMITS.points;
    if (describe) {
      const predictions = diverged ? null : Array.from(shown.activations.at(-1).data);
      this.description.textContent = diverged
        ? `Training diverged at epoch ${diverged.epoch}: the loss stopped being finite, so there is no function to draw.`
        : describeFit(points, predictions, this.kinks(shown));
    }
  }

  /** Where each hidden unit's input crosses 0, over the plotted x: the places the function may bend. */
  kinks(shown) {
    const xs = shown.xs;
    const found = [];
    for (const Z of shown.curve.zs.slice(0, -1)) {
      for (let unit = 0; unit < Z.rows; unit++) {
        const z = Z.data.subarray(unit * Z.cols, (unit + 1) * Z.cols);
        for (let i = 1; i < z.length; i++) {
          if (z[i - 1] > 0 !== z[i] > 0) found.push(xs[i - 1] + ((xs[i] - xs[i - 1]) * z[i - 1]) / (z[i - 1] - z[i]));
        }
      }
    }
    return found.filter(Number.isFinite).sort((a, b) => a - b);
  }

  drawLoss() {
    const plot = this.lossPlot;
    const losses = this.run.losses;
    let [low, high] = [1e-4, 1e2];
    for (const loss of losses) {
      if (Number.isFinite(loss) && loss > 0) [low, high] = [Math.min(low, loss), Math.max(high, loss)];
    }
    const domain = [10 ** Math.floor(Math.log10(low)), 10 ** Math.ceil(Math.log10(high))];
    const epochs = Math.max(this.setting.epochs, 1);
    if (plot.xAxis.domain[1] !== epochs || plot.yAxis.domain.join() !== domain.join()) {
      plot.xAxis.domain = [0, epochs];
      plot.yAxis.domain = domain;
      plot.draw();
    }
    if (!plot.x) return;
    // At most two points per pixel column: the lowest and highest loss of the epochs there.
    const perColumn = Math.ceil(losses.length / Math.max(plot.width, 1));
    const xs = [];
    const ys = [];
    for (let start = 0; start < losses.length; start += perColumn) {
      const end = Math.min(start + perColumn, losses.length);
      let [lowest, highest] = [start, start];
      for (let i = start; i < end; i++) {
        if (losses[i] < losses[lowest]) lowest = i;
        if (losses[i] > losses[highest]) highest = i;
      }
      const kept = lowest === highest ? [lowest] : [Math.min(lowest, highest), Math.max(lowest, highest)];
      for (const i of kept) {
        xs.push(i);
        ys.push(losses[i]);
      }
    }
    this.lossLine.setAttribute("points", polylinePoints(xs, ys, plot.x, plot.y));
  }

  /** One small picture per hidden unit: its output for every x, solid where its input is positive. */
  drawUnits(shown, quiet) {
    const sizes = this.setting.layerSizes;
    const shape = sizes.join(",");
    if (this.unitsShape !== shape) {
      this.unitsShape = shape;
      this.unitsBox.replaceChildren();
      this.unitViews = [];
      for (let l = 1; l < sizes.length - 1; l++) {
        const row = htmlElement("div", { class: "bfs-unit-row", role: "group", "aria-label": `hidden layer ${l}` }, this.unitsBox);
        htmlElement("span", { class: "bfs-label" }, row, `layer ${l}`);
        for (let j = 0; j < sizes[l]; j++) {
          const button = htmlElement("button", { type: "button", class: "bfs-unit" }, row);
          const svg = svgElement("svg", { viewBox: "0 0 64 40", "aria-hidden": "true" }, button);
          svgElement("line", { class: "bfs-grid", x1: 0, x2: 64 }, svg);
          const view = {
            l, j, button,
            zero: svg.lastChild,
            leaky: svgElement("path", { class: "bfs-curve bfs-leaky" }, svg),
            active: svgElement("path", { class: "bfs-curve" }, svg),
            kinks: svgElement("path", { class: "bfs-kinks" }, svg),
          };
          const target = { kind: "unit", l, j };
          button.addEventListener("mouseenter", () => this.inspect(target));
          button.addEventListener("focus", () => this.inspect(target));
          this.unitViews.push(view);
        }
      }
    }
    // One vertical scale per layer, 0 included: a unit that hardly moves looks flat beside the others.
    const ranges = sizes.map((_, l) => {
      if (l === 0 || l === sizes.length - 1) return null;
      let [low, high] = [0, 0];
      for (const a of shown.curve.activations[l].data) if (Number.isFinite(a)) [low, high] = [Math.min(low, a), Math.max(high, a)];
      return high - low > 1e-12 ? [low, high] : [-1, 1];
    });
    const n = shown.xs.length;
    const tenth = (v) => Math.round(10 * v) / 10; // a coordinate to 0.1 px (faster than toFixed)
    const px = (i) => tenth((64 * i) / (n - 1));
    for (const view of this.unitViews) {
      const { l, j } = view;
      const a = shown.curve.activations[l].data.subarray(j * n, (j + 1) * n);
      const z = shown.curve.zs[l - 1].data.subarray(j * n, (j + 1) * n);
      const [low, high] = ranges[l];
      const py = (v) => tenth(36 - (32 * (Math.min(Math.max(v, low), high) - low)) / (high - low));
      const zero = py(0);
      // Two paths, the steep side and the leaky side, split where z crosses 0 (the kink, a = 0).
      const paths = { true: "", false: "" };
      let kinks = "";
      let previous = null;
      for (let i = 0; i < n; i += UNIT_STEP) {
        const side = z[i] > 0;
        if (previous !== null && side !== previous) {
          const before = i - UNIT_STEP;
          const t = z[before] / (z[before] - z[i]);
          const x = tenth((64 * (before + t * UNIT_STEP)) / (n - 1));
          paths[previous] += `L${x},${zero}`;
          paths[side] += `M${x},${zero}`;
          kinks += `M${x - 2.5},${zero}a2.5,2.5 0 1,0 5,0a2.5,2.5 0 1,0 -5,0`;
        } else if (previous === null) {
          paths[side] += `M${px(i)},${py(a[i])}`;
        }
        paths[side] += `L${px(i)},${py(a[i])}`;
        previous = side;
      }
      view.active.setAttribute("d", paths.true);
      view.leaky.setAttribute("d", paths.false);
      view.kinks.setAttribute("d", kinks);
      view.zero.setAttribute("y1", zero);
      view.zero.setAttribute("y2", zero);
      if (!quiet) view.button.setAttribute("aria-label", this.unitWords(shown, l, j));
    }
  }

  /**
   * The network: a column of units per layer, a line per weight, its width by |w| and its colour
   * by sign. Each frame redraws the weights as 2 x (WIDTHS + 1) paths, one per sign and width;
   * under them, one still, transparent line per weight takes the pointer and the focus.
   */
  drawNetwork(shown) {
    const sizes = this.setting.layerSizes;
    const width = Math.round(this.networkBox.clientWidth);
    if (width <= 0) return;
    const shape = `${sizes.join(",")} ${width}`;
    const height = Math.min(360, Math.max(140, 11 * Math.max(...sizes) + 20));
    const ux = (l) => 20 + ((width - 40) * l) / (sizes.length - 1);
    const uy = (l, j) => height / 2 + (j - (sizes[l] - 1) / 2) * Math.min(36, (height - 20) / sizes[l]);
    if (this.networkShape !== shape) {
      this.networkShape = shape;
      this.networkBox.replaceChildren();
      const svg = svgElement("svg", { viewBox: `0 0 ${width} ${height}`, width, height, class: "bfs-network-svg", role: "group", "aria-label": `the network ${layersName(sizes)}: every weight and unit` }, this.networkBox);
      this.weightPaths = {};
      for (const sign of ["bfs-positive", "bfs-negative"]) {
        for (let w = 0; w <= WIDTHS; w++) {
          const stroke = (0.5 + (3.5 * w) / WIDTHS).toFixed(2);
          this.weightPaths[`${sign} ${w}`] = svgElement("path", { class: sign, "stroke-width": stroke, "aria-hidden": "true" }, svg);
        }
      }
      this.highlight = svgElement("line", { class: "bfs-highlight", "aria-hidden": "true" }, svg);
      this.weightLines = [];
      this.unitDots = [];
      const items = (this.networkItems = []); // columns for the keyboard: units 0, weights 1, units 1, ...
      for (let l = 1; l < sizes.length; l++) {
        const column = [];
        for (let j = 0; j < sizes[l]; j++) {
          for (let k = 0; k < sizes[l - 1]; k++) {
            const [x1, y1, x2, y2] = [ux(l - 1), uy(l - 1, k), ux(l), uy(l, j)].map((v) => v.toFixed(1));
            const line = svgElement("line", { x1, y1, x2, y2, class: "bfs-weight", tabindex: -1 }, svg);
            line.bfsTarget = { kind: "weight", l, j, k };
            line.bfsSegment = `M${x1},${y1}L${x2},${y2}`;
            this.weightLines.push(line);
            column.push(line);
          }
        }
        items[2 * l - 1] = column;
      }
      for (let l = 0; l < sizes.length; l++) {
        const column = [];
        for (let j = 0; j < sizes[l]; j++) {
          const dot = svgElement("circle", { cx: ux(l), cy: uy(l, j), r: Math.min(7, Math.max(3, (height - 20) / sizes[l] / 3)), class: "bfs-node", tabindex: -1 }, svg);
          dot.bfsTarget = { kind: "unit", l, j };
          this.unitDots.push(dot);
          column.push(dot);
        }
        items[2 * l] = column;
      }
      items[0][0].setAttribute("tabindex", 0);
      this.listenToNetwork(svg);
    }
    const largest = shown.network.weights.map((W) => W.data.reduce((m, v) => Math.max(m, Math.abs(v)), 0));
    const paths = Object.fromEntries(Object.keys(this.weightPaths).map((key) => [key, ""]));
    for (const line of this.weightLines) {
      const { l, j, k } = line.bfsTarget;
      const W = shown.network.weights[l - 1];
      const w = W.data[j * W.cols + k];
      const bucket = Math.round((WIDTHS * Math.abs(w)) / (largest[l - 1] || 1));
      paths[`${w >= 0 ? "bfs-positive" : "bfs-negative"} ${Number.isFinite(bucket) ? bucket : 0}`] += line.bfsSegment;
    }
    for (const [key, d] of Object.entries(paths)) this.weightPaths[key].setAttribute("d", d);
  }

  /**
   * Pointer and keyboard on the network. The arrow keys follow the graph: right from a unit to
   * its first outgoing weight, and from a weight to the unit it feeds; left the other way; up and
   * down along a layer's units or weights.
   */
  listenToNetwork(svg) {
    const items = this.networkItems; // columns: units of layer 0, weights into layer 1, units of layer 1, ...
    svg.addEventListener("pointermove", (event) => {
      if (event.target.bfsTarget) this.inspect(event.target.bfsTarget);
    });
    svg.addEventListener("focusin", (event) => {
      if (event.target.bfsTarget) this.inspect(event.target.bfsTarget, event.target);
    });
    const find = (column, test) => items[column].find((item) => test(item.bfsTarget));
    svg.addEventListener("keydown", (event) => {
      const current = event.target.bfsTarget;
      if (!current) return;
      const c = items.findIndex((column) => column.includes(event.target));
      const i = items[c].indexOf(event.target);
      const last = items.length - 1;
      const unit = current.kind === "unit";
      const { l, j, k } = current;
      const next = {
        ArrowUp: () => items[c][i - 1],
        ArrowDown: () => items[c][i + 1],
        Home: () => items[c][0],
        End: () => items[c].at(-1),
        ArrowRight: () =>
          unit ? c < last && find(c + 1, (t) => t.k === j) : find(c + 1, (t) => t.j === j),
        ArrowLeft: () =>
          unit ? c > 0 && find(c - 1, (t) => t.j === j) : find(c - 1, (t) => t.j === k && t.l === l - 1),
      }[event.key];
      if (!next) return;
      event.preventDefault();
      const target = next();
      if (!target) return;
      for (const column of items) for (const item of column) item.setAttribute("tabindex", -1);
      target.setAttribute("tabindex", 0);
      target.focus();
    });
  }

  /** Show what the reader points at or focuses: a unit's bias, or a weight, with its gradient. */
  inspect(target, element = null) {
    this.inspected = target;
    const shown = this.shown();
    const words = target.kind === "unit" ? this.unitWords(shown, target.l, target.j) : this.weightWords(shown, target);
    this.inspector.textContent = words;
    for (const dot of this.unitDots ?? []) {
      const t = dot.bfsTarget;
      dot.classList.toggle("bfs-selected", target.kind === "unit" && t.l === target.l && t.j === target.j);
    }
    const line = target.kind === "weight" && this.weightLines?.find((item) => {
      const t = item.bfsTarget;
      return t.l === target.l && t.j === target.j && t.k === target.k;
    });
    if (this.highlight) {
      this.highlight.style.display = line ? "inline" : "none";
      if (line) for (const name of ["x1", "y1", "x2", "y2"]) this.highlight.setAttribute(name, line.getAttribute(name));
    }
    if (element) {
      element.setAttribute("role", "img");
      element.setAttribute("aria-label", words);
    }
  }

  unitWords(shown, l, j) {
    const L = this.setting.layerSizes.length - 1;
    if (l === 0) return `the input x: it feeds every unit of layer 1`;
    const b = shown.network.biases[l - 1].data[j];
    const db = shown.dB[l - 1].data[j];
    const name = l === L ? "the output unit" : `layer ${l}, unit ${j + 1}`;
    let words = `${name}: bias ${fourDecimals(b)}, gradient ${fourDecimals(db)}`;
    if (l === 1 && l < L) {
      const w = shown.network.weights[0].data[j];
      words += w !== 0 ? `; its kink is at x = ${readable(-b / w)}` : "; it has no kink (its weight is 0)";
    }
    return `${words} (epoch ${this.run.epoch})`;
  }

  weightWords(shown, { l, j, k }) {
    const W = shown.network.weights[l - 1];
    const L = this.setting.layerSizes.length - 1;
    const from = l === 1 ? "the input x" : `unit ${k + 1} of layer ${l - 1}`;
    const to = l === L ? "the output unit" : `unit ${j + 1} of layer ${l}`;
    const w = W.data[j * W.cols + k];
    const dw = shown.dW[l - 1].data[j * W.cols + k];
    return `weight from ${from} to ${to}: ${fourDecimals(w)}, gradient ${fourDecimals(dw)} (epoch ${this.run.epoch})`;
  }

  drawActivation() {
    const alpha = this.setting.alpha;
    const plot = this.activationPlot;
    const derivative = this.derivativePlot;
    if (!plot.x || !derivative.x) return;
    const z = Array.from({ length: 121 }, (_, i) => -3 + i / 20);
    this.reluLine.setAttribute("points", polylinePoints(z, z.map((v) => Math.max(v, 0)), plot.x, plot.y));
    this.leakyLine.setAttribute("points", polylinePoints(z, z.map((v) => leakyRelu(v, alpha)), plot.x, plot.y));
    const left = z.filter((v) => v <= 0);
    const right = z.filter((v) => v > 0);
    const d = (v) => leakyReluDerivative(v, alpha);
    this.derivativeLines[0].setAttribute("points", polylinePoints(left, left.map(d), derivative.x, derivative.y));
    this.derivativeLines[1].setAttribute("points", polylinePoints(right, right.map(d), derivative.x, derivative.y));
    // f'(0) is alpha (the filled dot); 1 is its limit from the right (the open dot).
    [[0, alpha], [0, 1]].forEach(([x, y], i) => {
      this.derivativeDots[i].setAttribute("cx", derivative.x.map(x));
      this.derivativeDots[i].setAttribute("cy", derivative.y.map(y));
    });
  }
}
