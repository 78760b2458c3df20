// The book's own behaviour on the website (added to every page by _ext/site_fixes.py): the hint on
// boxes that scroll sideways, and the page's notebook download with the address of the book's zip.
(function () {
  "use strict";

  // --- Boxes that scroll sideways ----------------------------------------------------------------
  // A table, equation, code block or figure wider than the column scrolls inside its own box. Mark
  // each such box with data-bfs-scrolls = "start" | "middle" | "end" (where the reader has scrolled
  // to); book.css fades the side where more content waits. Boxes that fit lose the mark, and so do
  // boxes whose content is at most SLACK px wider (an italic letter's overhang in inline maths).
  const SLACK = 8;
  const scrolls = (element) => ["auto", "scroll"].includes(getComputedStyle(element).overflowX);

  // How much of the box's content is out of sight (px). Content reaching into the box's right
  // padding is still in sight. An inline equation counts what MathJax draws: its hidden MathML for
  // screen readers (mjx-assistive-mml) is wider than the drawing and would count in scrollWidth,
  // so every inline equation would seem to scroll.
  function extraWidth(box) {
    const drawn = box.matches("span.math") && box.querySelector(":scope > mjx-container");
    if (drawn) return Math.ceil(drawn.getBoundingClientRect().width) - box.clientWidth;
    const padding = parseFloat(getComputedStyle(box).paddingRight) || 0;
    return box.scrollWidth - box.clientWidth - padding;
  }

  function mark(box) {
    const extra = extraWidth(box);
    if (extra <= SLACK || box.clientWidth === 0) {
      box.removeAttribute("data-bfs-scrolls");
      return;
    }
    const left = Math.abs(box.scrollLeft);
    box.setAttribute("data-bfs-scrolls", left <= 1 ? "start" : left >= extra - 1 ? "end" : "middle");
    if (!box.hasAttribute("data-bfs-watched")) {
      box.setAttribute("data-bfs-watched", "");
      box.addEventListener("scroll", () => mark(box), { passive: true });
      // Content that changes its own size (a live figure redrawn for a narrower screen) may fit
      // again after the window's resize event: look again whenever it does.
      if (resized) for (const child of box.children) resized.observe(child);
    }
  }

  function markAll() {
    const article = document.querySelector(".bd-article") || document.body;
    for (const element of article.querySelectorAll("*")) {
      if (element.hasAttribute("data-bfs-watched") || scrolls(element)) mark(element);
    }
  }

  let scheduled = false;
  function markSoon() {
    if (scheduled) return;
    scheduled = true;
    requestAnimationFrame(() => {
      scheduled = false;
      markAll();
    });
  }
  const resized = window.ResizeObserver ? new ResizeObserver(markSoon) : null;

  document.addEventListener("DOMContentLoaded", markSoon);
  window.addEventListener("load", markSoon);
  window.addEventListener("resize", markSoon);
  document.addEventListener("toggle", markSoon, true); // a fold opened: its boxes have a size now
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
    MathJax.startup.promise.then(markSoon);
  } else {
    document.addEventListener("DOMContentLoaded", () => {
      const mathjax = window.MathJax;
      if (mathjax && mathjax.startup && mathjax.startup.promise) mathjax.startup.promise.then(markSoon);
    });
  }

  // --- "Download this page" as a notebook ----------------------------------------------------------
  // The notebook a page's download button serves starts with a cell that copies the book's modules
  // next to it from the book's zip (_ext/notebook_bundle.py). That cell needs the zip's address,
  // which only the page knows (the same book may be served from anywhere): write it in as the
  // reader downloads the notebook. Opened from disk (file:), the notebook is served as it is, and
  // its first cell looks for the zip beside it.
  const ZIP_NAME = "backprop-from-scratch-notebooks.zip";
  const ZIP_LINE = /^BOOK_ZIP = .*$/m;

  async function downloadNotebook(link) {
    const response = await fetch(link.href);
    if (!response.ok) throw new Error(`${link.href}: HTTP ${response.status}`);
    const notebook = await response.json();
    const root = document.documentElement.dataset.content_root || "";
    const zip = new URL(root + ZIP_NAME, location.href).href;
    for (const cell of notebook.cells) {
      const source = Array.isArray(cell.source) ? cell.source.join("") : cell.source;
      if (cell.cell_type === "code" && ZIP_LINE.test(source)) {
        cell.source = source.replace(ZIP_LINE, `BOOK_ZIP = ${JSON.stringify(zip)}`);
        break;
      }
    }
    const blob = new Blob([JSON.stringify(notebook, null, 1) + "\n"], { type: "application/x-ipynb+json" });
    const save = document.createElement("a");
    save.href = URL.createObjectURL(blob);
    save.download = decodeURIComponent(new URL(link.href).pathname.split("/").pop());
    document.body.appendChild(save);
    save.click();
    save.remove();
    setTimeout(() => URL.revokeObjectURL(save.href), 10000);
  }

  document.addEventListener("click", (event) => {
    const link = event.target.closest("a.btn-download-source-button, a.btn-download-notebook-button");
    if (!link || !/\.ipynb$/.test(new URL(link.href).pathname) || location.protocol === "file:") return;
    event.preventDefault();
    downloadNotebook(link).catch((error) => {
      console.warn("The notebook is downloaded without the zip's address:", error);
      location.href = link.href;
    });
  });
})();
