// Fixes for the embedded ipywidgets on the book's website (added to every page by _ext/site_fixes.py).
document.addEventListener("DOMContentLoaded", () => {
  if (!document.querySelector('script[type="application/vnd.jupyter.widget-view+json"]')) return;

  // The widget manager typesets labels with MathJax 2's MathJax.Hub.Queue; the site serves MathJax 3,
  // where that call throws. Hand the same work to MathJax 3.
  const mathjax = window.MathJax;
  if (mathjax && mathjax.startup && !mathjax.Hub) {
    mathjax.Hub = {
      Queue(...jobs) {
        for (const [command, , element] of jobs.filter(Array.isArray)) {
          if (command === "Typeset" && element) {
            mathjax.startup.promise.then(() => mathjax.typesetPromise([element])).catch(console.error);
          }
        }
      },
    };
  }

  // Screen readers: name each slider after its label and read out the value the reader sees (not
  // the option's index); name icon-only buttons (Play) after their icon; drop the "null" tooltips.
  const iconNames = { play: "Play", pause: "Pause", stop: "Stop", retweet: "Repeat", repeat: "Repeat" };
  const label = () => {
    for (const slider of document.querySelectorAll(".widget-slider")) {
      const handle = slider.querySelector('[role="slider"]');
      const name = slider.querySelector(".widget-label")?.textContent.trim();
      const value = slider.querySelector(".widget-readout")?.textContent.trim();
      if (handle && name) handle.setAttribute("aria-label", name);
      if (handle && value) handle.setAttribute("aria-valuetext", value);
    }
    for (const button of document.querySelectorAll("button.jupyter-button")) {
      if (button.textContent.trim() || button.hasAttribute("aria-label")) continue;
      const icon = button.querySelector("[data-icon]")?.dataset.icon ||
        (button.querySelector("i[class*='fa-']")?.className.match(/fa-([a-z-]+)/) || [])[1];
      if (icon) button.setAttribute("aria-label", iconNames[icon] || icon.replace(/-/g, " "));
    }
    for (const element of document.querySelectorAll('.jupyter-widgets [title="null"]')) {
      element.removeAttribute("title");
    }
  };
  let scheduled = false;
  new MutationObserver(() => {
    if (!scheduled) {
      scheduled = true;
      requestAnimationFrame(() => { scheduled = false; label(); });
    }
  }).observe(document.body, { childList: true, subtree: true, characterData: true });
});

// The search page's snippets (Sphinx 7.4.7's searchtools.js) are the text of the page as served:
// maths as raw TeX, "\([1, 4, 3, 1]\)", and the printed table of contents first. Take the text
// without the table of contents, drop a formula cut by the snippet's ends, and typeset the whole
// ones with the site's MathJax, which the search page (no maths of its own) loads only then: the
// path is _config.yml's mathjax_path, under _static/.
if (typeof Search !== "undefined" && Search.makeSearchSummary) {
  const MATHJAX = "_static/offline/mathjax/tex-mml-chtml.js";
  let mathjax = null;
  const typeset = (element) => {
    if (!mathjax) {
      mathjax = window.MathJax && MathJax.startup ? Promise.resolve() : new Promise((loaded, failed) => {
        const script = document.createElement("script");
        script.src = (document.documentElement.dataset.content_root || "") + MATHJAX;
        script.addEventListener("load", loaded);
        script.addEventListener("error", failed);
        document.head.appendChild(script);
      });
    }
    mathjax
      .then(() => MathJax.startup.promise)
      .then(() => MathJax.typesetPromise([element]))
      .catch(console.error);
  };
  const htmlToText = Search.htmlToText;
  Search.htmlToText = (htmlString, anchor) => {
    const page = new DOMParser().parseFromString(htmlString, "text/html");
    page.querySelectorAll("#jb-print-toc, .bd-toc, nav").forEach((element) => element.remove());
    return htmlToText(page.documentElement.outerHTML, anchor);
  };
  const makeSearchSummary = Search.makeSearchSummary;
  Search.makeSearchSummary = (htmlText, keywords, anchor) => {
    const summary = makeSearchSummary(htmlText, keywords, anchor);
    if (!summary) return summary;
    let text = summary.textContent;
    const close = text.indexOf("\\)");
    const open = text.indexOf("\\(");
    if (close >= 0 && (open < 0 || close < open)) text = "..." + text.slice(close + 2);
    const lastOpen = text.lastIndexOf("\\(");
    if (lastOpen > text.lastIndexOf("\\)")) text = text.slice(0, lastOpen) + "...";
    summary.textContent = text;
    if (text.includes("\\(")) typeset(summary);
    return summary;
  };
}
