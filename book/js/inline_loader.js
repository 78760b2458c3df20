// Starts the live figures of a page from the modules their own HTML carries.
//
// book/playground.py writes each live figure as <div class="bfs-root" data-bfs-live="{module,
// options}"> holding a picture for readers without JavaScript, the book's modules as JSON
// (<script type="application/json" data-bfs-modules>, name: source), and this file, inline, as a
// module script. So the same output works on the website and in a trusted notebook in JupyterLab,
// where no address of the site's files exists. Each module becomes a blob: URL whose imports of
// "./name.js" point at the others' blob: URLs; the sources run exactly as written. Every figure
// not yet started is started, once; figures that carry the same modules share one set of URLs.

const urlsBySources = (globalThis.bfsModuleUrls ??= new Map());

/** {name: blob URL} for the modules in `json`, made once per page. */
function moduleUrls(json) {
  if (!urlsBySources.has(json)) {
    const sources = JSON.parse(json);
    const urls = {};
    const load = (name) => {
      if (!(name in urls)) {
        const text = sources[name].replace(/(from\s+")\.\/([\w.]+)(")/g, (_, before, dep, after) => before + load(dep) + after);
        urls[name] = URL.createObjectURL(new Blob([text], { type: "text/javascript" }));
      }
      return urls[name];
    };
    Object.keys(sources).forEach(load);
    urlsBySources.set(json, urls);
  }
  return urlsBySources.get(json);
}

for (const root of document.querySelectorAll("[data-bfs-live]")) {
  if (root.dataset.bfsStarted) continue;
  root.dataset.bfsStarted = "starting";
  const { module, options } = JSON.parse(root.dataset.bfsLive);
  const sources = root.querySelector("script[data-bfs-modules]").textContent;
  import(moduleUrls(sources)[module])
    .then((loaded) => {
      loaded.mount(root, options);
      root.dataset.bfsStarted = "true";
    })
    .catch((error) => {
      root.dataset.bfsStarted = "failed";
      throw error;
    });
}
