// ESLint for the book's JavaScript: the engine (book/js) and its tests (tests/js). `make jscheck`
// runs it; the versions are pinned in package.json and package-lock.json.
import js from "@eslint/js";

export default [
  js.configs.recommended,
  {
    files: ["book/js/**/*.js", "tests/js/**/*.mjs"],
    languageOptions: {
      ecmaVersion: 2024,
      sourceType: "module",
      // What the engine uses from its host, in a browser and in Node alike.
      globals: {
        atob: "readonly",
        btoa: "readonly",
        crypto: "readonly",
        globalThis: "readonly",
        URLSearchParams: "readonly",
      },
    },
    rules: {
      eqeqeq: "error",
      "no-var": "error",
      "prefer-const": "error",
      "no-shadow": "error",
      "no-implicit-globals": "error",
    },
  },
  {
    // What draws on the page: the browser's own objects (these modules never run in Node).
    files: ["book/js/playground.js", "book/js/svg_plot.js", "book/js/backprop_steps.js", "book/js/inline_loader.js"],
    languageOptions: {
      globals: {
        addEventListener: "readonly",
        Blob: "readonly",
        document: "readonly",
        history: "readonly",
        location: "readonly",
        matchMedia: "readonly",
        performance: "readonly",
        requestAnimationFrame: "readonly",
        ResizeObserver: "readonly",
        setTimeout: "readonly",
        URL: "readonly",
      },
    },
  },
  {
    files: ["tests/js/**/*.mjs"],
    languageOptions: {
      globals: { process: "readonly", Buffer: "readonly", console: "readonly" },
    },
  },
  {
    // numpy's tables, copied digit for digit: more digits than a double holds, on purpose.
    files: ["book/js/ziggurat_tables.js"],
    rules: { "no-loss-of-precision": "off" },
  },
];
