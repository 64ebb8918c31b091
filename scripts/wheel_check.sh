#!/usr/bin/env bash
# Build the wheel, install it (not editable) into a fresh venv outside the checkout, and use it
# from a folder that is not the checkout: a sample letter, --schema, a bad input. This is how
# users get the tool (pip/pipx), and what a test inside the checkout cannot see (regression: the
# data files were missing from the wheel and every letter failed).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PY="${PY:-$ROOT/.venv/bin/python}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/jtai-wheel.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

"$PY" -m pip wheel --quiet --no-deps --wheel-dir "$WORK/dist" "$ROOT" 2>/dev/null
WHEEL=$(ls "$WORK"/dist/jtai_extract-*.whl)
echo "wheel: $(basename "$WHEEL")"
for member in jtai_extract/models/sections.tsv jtai_extract/models/TAXONOMY.md jtai_extract/models/labels.tsv \
              jtai_extract/py.typed jtai_extract/templates/base.html.j2 jtai_extract/templates/macros.html.j2 \
              jtai_extract/templates/report.html.j2 jtai_extract/templates/view.html.j2 \
              jtai_extract/templates/style.css jtai_extract/templates/report.js jtai_extract/templates/view.js; do
  "$PY" -c "import sys, zipfile; sys.exit(sys.argv[2] not in zipfile.ZipFile(sys.argv[1]).namelist())" \
    "$WHEEL" "$member" || { echo "FAIL: $member is not in the wheel"; exit 1; }
done
[ "$("$PY" -c "import sys, zipfile; print(sum(n.startswith('jtai_extract/models/lexicons/') for n in zipfile.ZipFile(sys.argv[1]).namelist()))" "$WHEEL")" -gt 0 ] \
  || { echo "FAIL: no lexicons in the wheel"; exit 1; }

"$PY" -m venv "$WORK/venv"
"$WORK/venv/bin/python" -m pip install --quiet "$WHEEL" 2>&1 | grep -v "^WARNING: Location" || true
J="$WORK/venv/bin/jtai-extract"
cd "$WORK"  # nowhere near the checkout
cp "$ROOT/samples/fernmouth-2019-03.pdf" letter.pdf

"$J" letter.pdf --json > letter.json
"$WORK/venv/bin/python" - <<'PY'
import json
letter = json.load(open("letter.json", encoding="utf-8"))
assert letter["area"] == "Fernmouth", letter["area"]
assert letter["strengths"] and all(f["agencies"] or f["themes"] for f in letter["strengths"]), "no tags"
print(f"ok   installed wheel extracts a letter: {len(letter['strengths'])} strengths, tagged")
PY
"$J" --schema | "$WORK/venv/bin/python" -c "import json, sys; assert json.load(sys.stdin)['title'] == 'Letter'"
echo "ok   --schema"
printf 'not a letter' > bad.pdf
set +e
"$J" bad.pdf letter.pdf --jsonl > out.jsonl 2> err.txt
status=$?
set -e
[ "$status" = 1 ] || { echo "FAIL: a bad input exited $status, not 1"; cat err.txt; exit 1; }
[ "$(wc -l < err.txt)" = 1 ] && grep -q '^jtai-extract: bad.pdf: not_a_jtai_letter: ' err.txt \
  || { echo "FAIL: the bad input's error line:"; cat err.txt; exit 1; }
[ "$(wc -l < out.jsonl)" = 1 ] || { echo "FAIL: the good letter after the bad one was not written"; exit 1; }
echo "ok   a bad input: one error line, exit 1, the rest written"
"$WORK/venv/bin/python" -c "from jtai_extract import extract; assert extract('letter.pdf').strengths[0].agencies"
echo "ok   library from the wheel tags by default"
"$J" letter.pdf --report report.html --view view.html --quiet
grep -q '<figure class="chart" id="chart-themes-figure"' report.html && grep -q '>Fernmouth</a>' report.html \
  || { echo "FAIL: --report from the wheel"; exit 1; }
grep -q '<img src="data:image/png;base64,' view.html || { echo "FAIL: --view from the wheel"; exit 1; }
echo "ok   --report and --view from the wheel (templates inside)"
echo "WHEEL CHECK passed"
