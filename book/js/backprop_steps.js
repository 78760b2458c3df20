// The backward pass, step by step (chapter 8): the [1, 4, 3, 1] network on one sample, its values
// filling in layer by layer, then the errors flowing back, each step naming the equation it applies.
//
// backpropSteps() computes the steps with the engine (mlp.js); book/playground.py computes the
// same list with mlp_core, and tests/test_backprop_steps.py checks that the two are equal, words
// and numbers. mount(root, options) draws them: an SVG of the network and the numbers of one step,
// with Previous and Next (or the arrow keys) to walk through them.

import { Matrix, matmulTransposeA } from "./matrix.js";
import { NeuralNetwork, SEED, leakyReluDerivative } from "./mlp.js";
import { formatFixed } from "./pyformat.js";
import { htmlElement, svgElement } from "./svg_plot.js";

/** The equations the steps apply: the label of each in the book, its chapter, and its text for
 * layer l (written in with equationText). */
export const EQUATIONS = Object.freeze({
  linear: { label: "eq-ch6-linear", chapter: "06_forward_pass", text: "Z[l] = W[l] A[l-1] + b[l]" },
  activation: { label: "eq-ch6-activation", chapter: "06_forward_pass", text: "A[l] = f(Z[l])" },
  output: { label: "eq-ch6-output", chapter: "06_forward_pass", text: "Y_hat = A[l] = Z[l]" },
  loss: { label: "eq-ch7-mse", chapter: "07_mse_loss", text: "loss = sum((Y - Y_hat)^2) / (2N)" },
  outputDelta: { label: "eq-ch8-output-delta", chapter: "08_backpropagation", text: "dZ[l] = Y_hat - Y" },
  dW: { label: "eq-ch8-dW", chapter: "08_backpropagation", text: "dW[l] = dZ[l] A[l-1]^T / N" },
  db: { label: "eq-ch8-db", chapter: "08_backpropagation", text: "db[l] = the mean of dZ[l] over the samples" },
  dA: { label: "eq-ch8-dA", chapter: "08_backpropagation", text: "dA[l-1] = W[l]^T dZ[l]" },
  dZ: { label: "eq-ch8-dZ", chapter: "08_backpropagation", text: "dZ[l-1] = dA[l-1] * f'(Z[l-1])" },
});

/** An equation of EQUATIONS written for layer l: equationText("dA", 3) is "dA[2] = W[3]^T dZ[3]". */
export function equationText(key, l) {
  return EQUATIONS[key].text.replaceAll("[l-1]", `[${l - 1}]`).replaceAll("[l]", `[${l}]`);
}

/**
 * Every step of one forward and backward pass on a single sample.
 * @param {NeuralNetwork} network
 * @param {number} x - the sample's input
 * @param {number} y - its target
 * @returns {{title: string, equations: string[], l: number, values: [string, Matrix][],
 *   phase: string, layer: number}[]} equations are keys of EQUATIONS, written for layer l; values
 *   are (name, matrix) pairs, each shaped as in the book (features x samples, here one sample);
 *   layer is the layer whose units the step fills in
 */
export function backpropSteps(network, x, y) {
  const X = Matrix.from([[x]]);
  const Y = Matrix.from([[y]]);
  const L = network.weights.length;
  const { activations, zs } = network.forwardPass(X);
  const { dW, dB } = network.backwardPass(activations, zs, Y);
  const loss = network.computeLoss(Y, activations[L]);
  const steps = [
    { phase: "start", layer: 0, l: 0, title: `The sample: x = ${x}, target y = ${y}`, equations: [], values: [["A[0]", X], ["Y", Y]] },
  ];
  for (let l = 1; l <= L; l++) {
    const hidden = l < L;
    steps.push({
      phase: "forward",
      layer: l,
      l,
      title: hidden ? `Layer ${l}, forward` : `Layer ${l}, the output`,
      equations: hidden ? ["linear", "activation"] : ["linear", "output"],
      values: hidden ? [[`Z[${l}]`, zs[l - 1]], [`A[${l}]`, activations[l]]] : [[`Z[${l}]`, zs[l - 1]]],
    });
  }
  steps.push({ phase: "loss", layer: L, l: L, title: "The loss", equations: ["loss"], values: [["loss", Matrix.from([[loss]])]] });
  // dZ[L] = Y_hat - Y, then back through every layer.
  let dZ = new Matrix(1, 1, Float64Array.from(activations[L].data, (a, i) => a - Y.data[i]));
  steps.push({ phase: "backward", layer: L, l: L, title: "The output error", equations: ["outputDelta"], values: [[`dZ[${L}]`, dZ]] });
  for (let l = L; l >= 1; l--) {
    steps.push({
      phase: "gradients",
      layer: l,
      l,
      title: `Layer ${l}'s gradients`,
      equations: ["dW", "db"],
      values: [[`dW[${l}]`, dW[l - 1]], [`db[${l}]`, dB[l - 1]]],
    });
    if (l > 1) {
      const W = network.weights[l - 1];
      const dA = matmulTransposeA(new Matrix(W.cols, 1), W, dZ);
      steps.push({ phase: "backward", layer: l - 1, l, title: `Back through W[${l}]`, equations: ["dA"], values: [[`dA[${l - 1}]`, dA]] });
      const slope = new Matrix(W.cols, 1, zs[l - 2].data.map((z) => leakyReluDerivative(z, network.alpha)));
      dZ = new Matrix(W.cols, 1, dA.data.map((d, i) => d * slope.data[i]));
      steps.push({
        phase: "backward",
        layer: l - 1,
        l,
        title: `Back through layer ${l - 1}'s Leaky ReLU`,
        equations: ["dZ"],
        values: [[`f'(Z[${l - 1}])`, slope], [`dZ[${l - 1}]`, dZ]],
      });
    }
  }
  return steps;
}

/** A matrix as Python prints a nested list of 4-decimal numbers: [[0.1234], [-0.5678]]. */
export function matrixText(M) {
  const rows = [];
  for (let i = 0; i < M.rows; i++) {
    rows.push(`[${Array.from(M.data.subarray(i * M.cols, (i + 1) * M.cols), (v) => formatFixed(v, 4)).join(", ")}]`);
  }
  return `[${rows.join(", ")}]`;
}

/**
 * The page's own number for an equation and the element that shows it, or null where the page has
 * none: Sphinx writes <div id="equation-eq-ch8-dw"> with <span class="eqno">(22)</span>;
 * jupyterlab-myst writes <div id="eq-ch8-dw"> with the number last in its text.
 */
function equationOnPage(label) {
  const id = label.toLowerCase();
  const element = document.getElementById(`equation-${id}`) ?? document.getElementById(id);
  if (!element) return null;
  const numbers = [...(element.querySelector(".eqno") ?? element).textContent.matchAll(/\((\d+)\)/g)];
  return numbers.length ? { number: numbers.at(-1)[1], id: element.id } : null;
}

/**
 * Draw the steps inside `root`.
 * @param {HTMLElement} root
 * @param {object} [options]
 * @param {number[]} [options.layerSizes] - [1, 4, 3, 1]
 * @param {number} [options.seed] - SEED
 * @param {number} [options.x] - 2
 * @param {number} [options.y] - 3
 */
export function mount(root, { layerSizes = [1, 4, 3, 1], seed = SEED, x = 2, y = 3 } = {}) {
  return new BackpropFigure(root, { layerSizes, seed, x, y });
}

class BackpropFigure {
  constructor(root, { layerSizes, seed, x, y }) {
    this.network = new NeuralNetwork(layerSizes, { seed });
    this.steps = backpropSteps(this.network, x, y);
    this.sizes = layerSizes;
    this.index = 0;
    this.element = htmlElement("div", { class: "bfs-live bfs-steps", role: "group", tabindex: 0, "aria-label": `The backward pass of ${layerSizes.join(", ")} step by step: the arrow keys, or Previous and Next, move between steps` }, root);
    const bar = htmlElement("div", { class: "bfs-buttons" }, this.element);
    this.previous = htmlElement("button", { type: "button" }, bar, "Previous");
    this.next = htmlElement("button", { type: "button" }, bar, "Next");
    this.restart = htmlElement("button", { type: "button" }, bar, "Start over");
    this.counter = htmlElement("span", { class: "bfs-counter" }, bar);
    this.previous.addEventListener("click", () => this.go(this.index - 1));
    this.next.addEventListener("click", () => this.go(this.index + 1));
    this.restart.addEventListener("click", () => this.go(0));
    this.element.addEventListener("keydown", (event) => {
      const moves = { ArrowLeft: -1, ArrowUp: -1, ArrowRight: 1, ArrowDown: 1 };
      if (event.target.matches("button") && event.key in { ArrowUp: 1, ArrowDown: 1 }) return;
      if (event.key in moves) this.go(this.index + moves[event.key]);
      else if (event.key === "Home") this.go(0);
      else if (event.key === "End") this.go(this.steps.length - 1);
      else return;
      event.preventDefault();
    });
    this.picture = htmlElement("div", { class: "bfs-steps-picture" }, this.element);
    this.text = htmlElement("div", { class: "bfs-step-text", "aria-live": "polite" }, this.element);
    for (const child of root.children) if (child.matches(".bfs-fallback")) child.hidden = true;
    new ResizeObserver(() => this.draw()).observe(this.picture);
    root.bfs = this;
    this.go(0);
  }

  go(index) {
    this.index = Math.min(Math.max(index, 0), this.steps.length - 1);
    this.previous.disabled = this.index === 0;
    this.next.disabled = this.index === this.steps.length - 1;
    this.counter.textContent = `step ${this.index + 1} of ${this.steps.length}`;
    this.showText();
    this.draw();
  }

  showText() {
    const step = this.steps[this.index];
    this.text.replaceChildren();
    htmlElement("p", { class: "bfs-caption" }, this.text, `Step ${this.index + 1} of ${this.steps.length}: ${step.title}`);
    for (const key of step.equations) {
      const { label, chapter } = EQUATIONS[key];
      const p = htmlElement("p", { class: "bfs-equation" }, this.text);
      const onPage = equationOnPage(label);
      const here = chapter === "08_backpropagation";
      p.append(`${equationText(key, step.l)}  `);
      if (onPage) {
        const link = htmlElement("a", { href: `#${onPage.id}` }, p, `(${onPage.number})`);
        link.setAttribute("aria-label", `equation ${onPage.number}`);
      } else {
        htmlElement("span", {}, p, here ? "(this chapter)" : `(chapter ${Number(chapter.slice(0, 2))})`);
      }
    }
    const list = htmlElement("ul", { class: "bfs-values" }, this.text);
    for (const [name, M] of step.values) htmlElement("li", {}, list, `${name} = ${matrixText(M)}`);
  }

  /** The network: a column per layer; forward values above each unit, errors below. */
  draw() {
    const width = Math.round(this.picture.clientWidth);
    if (width <= 0) return;
    const sizes = this.sizes;
    const height = 230;
    const step = this.steps[this.index];
    const known = this.steps.slice(0, this.index + 1);
    const roomy = width >= 520; // room for the numbers on the picture; the list below has them all
    const ux = (l) => 36 + ((width - (roomy ? 110 : 72)) * l) / (sizes.length - 1);
    const uy = (l, j) => height / 2 + (j - (sizes[l] - 1) / 2) * 50;
    const svg = svgElement("svg", { viewBox: `0 0 ${width} ${height}`, width, height, class: "bfs-plot", role: "img", "aria-label": `The network ${sizes.join(", ")}; step ${this.index + 1}: ${step.title}` });
    // Forward values and errors known so far, per unit: the latest of each kind wins.
    const forward = sizes.map((n) => new Array(n).fill(null));
    const backward = sizes.map((n) => new Array(n).fill(null));
    const gradients = new Map();
    for (const s of known) {
      for (const [name, M] of s.values) {
        const l = Number(name.match(/\[(\d+)\]/)?.[1]);
        if (name.startsWith("A[") || (name.startsWith("Z[") && l === sizes.length - 1)) M.data.forEach((v, j) => (forward[l][j] = v));
        if (name.startsWith("dZ[")) M.data.forEach((v, j) => (backward[l][j] = v));
        if (name.startsWith("dW[")) gradients.set(l, M);
      }
    }
    for (let l = 1; l < sizes.length; l++) {
      const dW = gradients.get(l);
      let largest = 0;
      if (dW) for (const v of dW.data) largest = Math.max(largest, Math.abs(v));
      for (let j = 0; j < sizes[l]; j++) {
        for (let k = 0; k < sizes[l - 1]; k++) {
          const g = dW ? dW.data[j * dW.cols + k] : 0;
          const cls = dW ? (g >= 0 ? "bfs-positive" : "bfs-negative") : "bfs-grid";
          const widthOf = dW && largest > 0 ? 0.8 + (3.2 * Math.abs(g)) / largest : 1;
          svgElement("line", { x1: ux(l - 1), y1: uy(l - 1, k), x2: ux(l), y2: uy(l, j), class: cls, "stroke-width": widthOf.toFixed(2) }, svg);
        }
      }
    }
    for (let l = 0; l < sizes.length; l++) {
      const active = step.layer === l && step.phase !== "start" ? " bfs-active" : "";
      for (let j = 0; j < sizes[l]; j++) {
        const [cx, cy] = [ux(l), uy(l, j)];
        const filled = forward[l][j] !== null || l === 0;
        svgElement("circle", { cx, cy, r: 9, class: `bfs-unit-node${filled ? " bfs-filled" : ""}${active}` }, svg);
        if (!roomy) continue;
        if (forward[l][j] !== null) {
          const t = svgElement("text", { x: cx + 13, y: cy - 4, class: "bfs-forward" }, svg);
          t.textContent = formatFixed(forward[l][j], 4);
        }
        if (backward[l][j] !== null) {
          const t = svgElement("text", { x: cx + 13, y: cy + 14, class: "bfs-backward" }, svg);
          t.textContent = formatFixed(backward[l][j], 4);
        }
      }
      const label = svgElement("text", { x: ux(l), y: height - 6, "text-anchor": "middle" }, svg);
      label.textContent = l === 0 ? "x" : l === sizes.length - 1 ? "output" : `layer ${l}`;
    }
    const legend = svgElement("text", { x: 4, y: 14 }, svg);
    legend.textContent = roomy ? "above each unit its value, below it its error dZ" : "filled: value known; edges: dW";
    this.picture.replaceChildren(svg);
  }
}
