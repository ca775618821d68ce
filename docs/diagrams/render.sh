#!/usr/bin/env bash
# Renders Mermaid sources docs/diagrams/NAME.mmd to NAME.svg and NAME.png
# beside them. Run it after editing a diagram:
#
#   docs/diagrams/render.sh                  every .mmd in docs/diagrams
#   docs/diagrams/render.sh packages.mmd     only the ones named
#
# It uses mermaid-cli (npm, installed once into a cache folder) driven by the
# system's Chromium (Debian package "chromium"), so nothing is downloaded
# besides those two packages. Set CHROMIUM to use another browser binary.
set -euo pipefail

MMDC_VERSION=11.9.0
dir=$(cd "$(dirname "$0")" && pwd)
tools=${XDG_CACHE_HOME:-$HOME/.cache}/gocache-mermaid-cli-$MMDC_VERSION

sudo=""
if [ "$(id -u)" -ne 0 ]; then
	sudo="sudo"
fi

chromium=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
if [ -z "$chromium" ]; then
	$sudo apt-get update -qq
	$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
	chromium=$(command -v chromium)
fi

mmdc=$tools/node_modules/.bin/mmdc
if [ ! -x "$mmdc" ]; then
	mkdir -p "$tools"
	# Puppeteer would fetch its own browser build; the system one is used.
	(cd "$tools" && PUPPETEER_SKIP_DOWNLOAD=1 npm install --silent --no-audit --no-fund \
		"@mermaid-js/mermaid-cli@$MMDC_VERSION")
fi

# Headless Chromium as root (containers, CI) needs --no-sandbox.
puppeteer=$tools/puppeteer.json
cat >"$puppeteer" <<JSON
{"executablePath": "$chromium", "args": ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]}
JSON
config=$tools/mermaid.json
cat >"$config" <<'JSON'
{"theme": "neutral", "themeVariables": {"fontFamily": "DejaVu Sans, Arial, sans-serif"}}
JSON

shopt -s nullglob
if [ $# -gt 0 ]; then
	sources=()
	for name in "$@"; do
		sources+=("$dir/$(basename "$name")")
	done
else
	sources=("$dir"/*.mmd)
fi
if [ ${#sources[@]} -eq 0 ]; then
	echo "render: no .mmd files in docs/diagrams" >&2
	exit 1
fi
for src in "${sources[@]}"; do
	if [ "${src%.mmd}" = "$src" ] || [ ! -f "$src" ]; then
		echo "render: no Mermaid source $src" >&2
		exit 1
	fi
	base=${src%.mmd}
	"$mmdc" --quiet -p "$puppeteer" -c "$config" -i "$src" -o "$base.svg" -b white
	"$mmdc" --quiet -p "$puppeteer" -c "$config" -i "$src" -o "$base.png" -b white -s 2
	echo "rendered docs/diagrams/$(basename "$base").svg and .png"
done
