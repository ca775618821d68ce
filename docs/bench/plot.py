#!/usr/bin/env python3
"""Draw docs/bench/ratios.svg from the CSV written by `go run ./final/bench --csv`.

One horizontal bar per row: gocache's median divided by redis-server's, with
a line at 1.0x. Green bars meet their target, red bars miss it, grey bars
have none. Plain Python, no plotting library, so it runs anywhere:

    python3 docs/bench/plot.py docs/bench/results.csv docs/bench/ratios.svg
"""

import csv
import sys
from html import escape

ROW = 22          # height of one bar's row
HEAD = 30         # height of a suite heading
LABEL_W = 400     # width of the label column
PLOT_W = 420      # width of the bar area
VALUE_W = 70      # room for the value right of a bar
TOP = 50
COLORS = {"true": "#2e8b57", "false": "#c0392b", "": "#8c8c8c"}


def load(path):
    with open(path, newline="") as f:
        return [r for r in csv.DictReader(f)]


def label(r):
    if r["unit"] != "rps":  # memory rows: the setting says what was measured
        return f'{r["setting"]} ({r["unit"]}, lower is better)'
    test = r["test"].replace("(needed to benchmark LRANGE)", "(for LRANGE)")
    return f'{r["setting"]}  {test.split(" (first")[0]}'


def svg(rows):
    ratios = [float(r["ratio"]) for r in rows if r["ratio"]]
    top = max([2.0] + [x * 1.1 for x in ratios])
    suites = []
    for r in rows:
        if r["suite"] not in suites:
            suites.append(r["suite"])
    height = TOP + len(suites) * HEAD + len(rows) * ROW + 40
    width = LABEL_W + PLOT_W + VALUE_W
    x0 = LABEL_W

    def x(v):
        return x0 + v / top * PLOT_W

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">',
           f'<rect width="{width}" height="{height}" fill="white"/>',
           '<text x="10" y="22" font-size="15" font-weight="bold">'
           'gocache / redis-server 7 (median of rounds)</text>',
           '<text x="10" y="40" fill="#555">green: meets target, red: misses it, '
           'grey: no target; throughput: higher is better</text>']
    y = TOP
    for suite in suites:
        y += HEAD
        out.append(f'<text x="10" y="{y - 8}" font-weight="bold">{escape(suite)}</text>')
        for r in (r for r in rows if r["suite"] == suite):
            mid = y + ROW / 2
            out.append(f'<text x="{x0 - 8}" y="{mid + 4}" text-anchor="end">{escape(label(r))}</text>')
            if r["ratio"]:
                v = float(r["ratio"])
                color = COLORS.get(r["met"], COLORS[""])
                out.append(f'<rect x="{x0}" y="{y + 3}" width="{x(v) - x0:.1f}" height="{ROW - 6}" fill="{color}"/>')
                out.append(f'<text x="{x(v) + 4:.1f}" y="{mid + 4}">{v:.2f}x</text>')
            else:
                note = r.get("note") or "no ratio"
                out.append(f'<text x="{x0 + 4}" y="{mid + 4}" fill="#888">{escape(note)}</text>')
            y += ROW
    # the parity line and the axis, drawn last so they sit on top of the bars
    out.append(f'<line x1="{x(1):.1f}" y1="{TOP}" x2="{x(1):.1f}" y2="{y}" stroke="black" stroke-dasharray="4 3"/>')
    out.append(f'<line x1="{x0}" y1="{y}" x2="{x0 + PLOT_W}" y2="{y}" stroke="#333"/>')
    step = 0.5 if top <= 4 else 1.0
    t = 0.0
    while t <= top:
        out.append(f'<line x1="{x(t):.1f}" y1="{y}" x2="{x(t):.1f}" y2="{y + 4}" stroke="#333"/>')
        out.append(f'<text x="{x(t):.1f}" y="{y + 16}" text-anchor="middle">{t:g}x</text>')
        t += step
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else "docs/bench/results.csv"
    dst = sys.argv[2] if len(sys.argv) > 2 else "docs/bench/ratios.svg"
    rows = load(src)
    if not rows:
        sys.exit(f"{src}: no rows")
    with open(dst, "w") as f:
        f.write(svg(rows))
    print(f"wrote {dst} ({len(rows)} bars)")


if __name__ == "__main__":
    main()
