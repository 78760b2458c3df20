#!/usr/bin/env bash
# Refresh the third-party browser assets that the website and its tests serve themselves
# (the site must work offline). Needs node and npm; the results are committed, so building
# the book never needs them. Run from the repository root: bash tools/vendor_assets.sh
set -euo pipefail
MATHJAX=3.2.2              # v4 has no es5/ folder
HTML_MANAGER=1.0.6         # must match ipywidgets 8.x
AXE_CORE=4.11.1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm init -y >/dev/null && npm install --silent --no-audit --no-fund \
  "mathjax@$MATHJAX" "@jupyter-widgets/html-manager@$HTML_MANAGER" "axe-core@$AXE_CORE")
modules="$work/node_modules"
offline=_extra/_static/offline
rm -rf "$offline" && mkdir -p "$offline/mathjax" "$offline/html-manager"
# MathJax: the CommonHTML component the pages load, plus what it may load lazily (extensions, menu,
# accessibility); not the alternative SVG/full bundles nobody requests.
cp -r "$modules/mathjax/es5/"{tex-mml-chtml.js,input,output,ui,a11y,adaptors,sre} "$offline/mathjax/"
rm -rf "$offline/mathjax/output/svg" "$offline/mathjax/output/svg.js"
cp "$modules/mathjax/LICENSE" "$offline/mathjax/"
# The ipywidgets embed manager: embed.js and the chunks and fonts it loads, without source maps
# or the require.js (AMD) variants.
find "$modules/@jupyter-widgets/html-manager/dist" -maxdepth 1 -type f \
  ! -name '*.map' ! -name '*amd*' -exec cp {} "$offline/html-manager/" \;
mkdir -p tests/vendor
cp "$modules/axe-core/axe.min.js" tests/vendor/axe.min.js
echo "mathjax $MATHJAX, html-manager $HTML_MANAGER, axe-core $AXE_CORE" > "$offline/VERSIONS"
du -sh "$offline" tests/vendor/axe.min.js
