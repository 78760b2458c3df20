// Plots drawn as SVG at the page's own resolution, for the playground and the step-by-step figure.
//
// A Plot is an <svg> whose coordinates are CSS pixels: it is redrawn when its box changes width,
// so its text is always 12 px, on a phone as on a laptop, and sharp at any zoom. Colours come from
// the page through CSS classes (live.css), so light and dark themes need no code here.

const SVG = "http://www.w3.org/2000/svg";

/** A new SVG element with these attributes, appended to `parent` if given. */
export function svgElement(tag, attributes = {}, parent = null) {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  if (parent) parent.appendChild(element);
  return element;
}

/** A new HTML element with these attributes and text, appended to `parent` if given. */
export function htmlElement(tag, attributes = {}, parent = null, text = null) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  if (text !== null) element.textContent = text;
  if (parent) parent.appendChild(element);
  return element;
}

/** Maps data values to pixels along one axis, on a linear or a log10 scale. */
export class Scale {
  /**
   * @param {number[]} domain - [low, high] in data units (> 0 on a log scale)
   * @param {number[]} range - [pixel of low, pixel of high]
   * @param {boolean} [log]
   */
  constructor(domain, range, log = false) {
    this.domain = domain;
    this.range = range;
    this.log = log;
    const t = (v) => (log ? Math.log10(v) : v);
    [this.t0, this.t1] = domain.map(t);
    this.transform = t;
  }

  /** The pixel of a value. */
  map(value) {
    const [r0, r1] = this.range;
    return r0 + ((this.transform(value) - this.t0) / (this.t1 - this.t0)) * (r1 - r0);
  }

  /** The value at a pixel. */
  invert(pixel) {
    const [r0, r1] = this.range;
    const t = this.t0 + ((pixel - r0) / (r1 - r0)) * (this.t1 - this.t0);
    return this.log ? 10 ** t : t;
  }

  /** Where to put ticks: every decade on a log scale, else steps of 1, 2 or 5 times a power of 10. */
  ticks(count = 5) {
    const [low, high] = this.domain;
    if (this.log) {
      const decades = [];
      for (let k = Math.ceil(Math.log10(low) - 1e-9); k <= Math.floor(Math.log10(high) + 1e-9); k++) {
        decades.push(10 ** k);
      }
      const every = Math.ceil(decades.length / (count + 1)); // thin out crowded decades
      return decades.filter((_, i) => i % every === 0);
    }
    const rough = (high - low) / count;
    const power = 10 ** Math.floor(Math.log10(rough));
    const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough);
    const ticks = [];
    for (let v = Math.ceil(low / step - 1e-9) * step; v <= high + 1e-9 * step; v += step) {
      ticks.push(Math.abs(v) < 1e-12 * step ? 0 : Number(v.toPrecision(12)));
    }
    return ticks;
  }

  /** A tick's label: 10 to a power on a log scale (10⁻³), else the number with a true minus. */
  label(value) {
    if (!this.log) return String(value).replace("-", "\u2212");
    const superscript = { "-": "\u207b", 0: "\u2070", 1: "\u00b9", 2: "\u00b2", 3: "\u00b3" };
    const power = String(Math.round(Math.log10(value)));
    const digits = [...power].map((c) => superscript[c] ?? String.fromCharCode(0x2070 + Number(c)));
    return `10${digits.join("")}`;
  }
}

/**
 * The `points` attribute of a polyline through (xs[i], ys[i]); values far outside the plot are
 * pulled in to just beyond its edge (the plot area clips them), and non-finite ones left out.
 */
export function polylinePoints(xs, ys, xScale, yScale) {
  const [top, bottom] = [Math.min(...yScale.range), Math.max(...yScale.range)];
  const margin = bottom - top;
  let text = "";
  for (let i = 0; i < xs.length; i++) {
    if (!Number.isFinite(ys[i]) || (yScale.log && ys[i] <= 0)) continue;
    const y = Math.min(Math.max(yScale.map(ys[i]), top - margin), bottom + margin);
    text += `${xScale.map(xs[i]).toFixed(1)},${y.toFixed(1)} `;
  }
  return text;
}

/**
 * One plot: axes with ticks, grid and labels, and a clipped area to draw in (`area`), all in an
 * <svg> sized to its container. Call `draw` after changing the scales' domains; set `onResize` to
 * redraw the content when the width changes.
 */
export class Plot {
  /**
   * @param {HTMLElement} parent - the figure to put the <svg> into
   * @param {object} options
   * @param {string} options.label - the accessible name of the picture
   * @param {number} [options.height] - in CSS pixels
   * @param {{domain: number[], log?: boolean, label: string}} options.x
   * @param {{domain: number[], log?: boolean, label: string}} options.y
   */
  constructor(parent, { label, height = 240, x, y }) {
    this.height = height;
    this.xAxis = x;
    this.yAxis = y;
    this.margin = { left: 46, right: 18, top: 10, bottom: 38 };
    this.svg = svgElement("svg", { class: "bfs-plot", role: "img", "aria-label": label }, parent);
    this.axes = svgElement("g", { class: "bfs-axes", "aria-hidden": "true" }, this.svg);
    // A nested <svg> clips what is drawn in it to the plot area, with no id to keep unique.
    this.areaBox = svgElement("svg", { overflow: "hidden" }, this.svg);
    this.area = svgElement("g", {}, this.areaBox);
    this.overlay = svgElement("g", { class: "bfs-overlay" }, this.svg);
    this.onResize = null;
    this.width = 0;
    new ResizeObserver(() => this.resize()).observe(parent);
    this.resize();
  }

  resize() {
    const width = Math.round(this.svg.parentElement.clientWidth);
    if (width <= 0 || width === this.width) return;
    this.width = width;
    this.svg.setAttribute("viewBox", `0 0 ${width} ${this.height}`);
    this.svg.setAttribute("width", width);
    this.svg.setAttribute("height", this.height);
    this.draw();
    if (this.onResize) this.onResize();
  }

  /** Recompute the scales from the axes' domains, and draw the axes. */
  draw() {
    const { left, right, top, bottom } = this.margin;
    const [x0, x1, y0, y1] = [left, this.width - right, top, this.height - bottom];
    this.x = new Scale(this.xAxis.domain, [x0, x1], this.xAxis.log);
    this.y = new Scale(this.yAxis.domain, [y1, y0], this.yAxis.log);
    for (const [name, value] of Object.entries({ x: x0, y: y0, width: x1 - x0, height: y1 - y0 })) {
      this.areaBox.setAttribute(name, value);
    }
    this.area.setAttribute("transform", `translate(${-x0} ${-y0})`);
    this.axes.replaceChildren();
    const g = this.axes;
    for (const value of this.x.ticks(Math.max(2, Math.floor((x1 - x0) / 70)))) {
      const px = this.x.map(value);
      svgElement("line", { class: "bfs-grid", x1: px, x2: px, y1: y0, y2: y1 }, g);
      const text = svgElement("text", { x: px, y: y1 + 16, "text-anchor": "middle" }, g);
      text.textContent = this.x.label(value);
    }
    for (const value of this.y.ticks(Math.max(2, Math.floor((y1 - y0) / 40)))) {
      const py = this.y.map(value);
      svgElement("line", { class: "bfs-grid", x1: x0, x2: x1, y1: py, y2: py }, g);
      const text = svgElement("text", { x: x0 - 6, y: py + 4, "text-anchor": "end" }, g);
      text.textContent = this.y.label(value);
    }
    svgElement("path", { class: "bfs-frame", d: `M${x0},${y0}V${y1}H${x1}` }, g);
    const xLabel = svgElement("text", { x: (x0 + x1) / 2, y: this.height - 4, "text-anchor": "middle" }, g);
    xLabel.textContent = this.xAxis.label;
    const yLabel = svgElement("text", {
      transform: `translate(12 ${(y0 + y1) / 2}) rotate(-90)`,
      "text-anchor": "middle",
    }, g);
    yLabel.textContent = this.yAxis.label;
  }
}
