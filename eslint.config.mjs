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
      globals: { atob: "readonly", btoa: "readonly", crypto: "readonly", globalThis: "readonly" },
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
