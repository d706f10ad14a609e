# Shared steps of Portico's scripts: install what is missing, build the site.
# Sourced by scripts/run and scripts/test; not meant to be run on its own.
# shellcheck shell=bash

set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Tools Portico installs for itself (toolchain shims, wasm-bindgen) live
# outside the clone so that a fresh clone reuses them.
PORTICO_TOOLS="${PORTICO_TOOLS:-$HOME/.cache/portico}"
SITE_ROOT="$REPO_ROOT/target/site"
WASM_TARGET_DIR="${CARGO_TARGET_DIR:-$REPO_ROOT/target}"

say() { printf '\n==> %s\n' "$*"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

APT_UPDATED=0
# ensure_apt PACKAGE...: installs the Debian packages that are not installed.
ensure_apt() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "installing Debian packages: ${missing[*]}"
  if [ "$APT_UPDATED" -eq 0 ]; then
    as_root apt-get update -q
    APT_UPDATED=1
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
}

# ensure_toolchain: Debian's rustc-web builds both the server and the wasm
# bundle (rustup here has no wasm32 target); shims put it first in PATH.
ensure_toolchain() {
  # libssl-dev and pkg-config: josekit links the system OpenSSL; make:
  # jemalloc, Portico's allocator, is built from its C sources.
  ensure_apt rustc-web cargo-web rust-web-src rust-web-llvm lld-22 rust-web-clippy rustfmt-web \
    libssl-dev pkg-config make
  mkdir -p "$PORTICO_TOOLS/shims" "$PORTICO_TOOLS/bin"
  for tool in rustc cargo rustdoc cargo-clippy clippy-driver cargo-fmt rustfmt; do
    ln -sfn "/usr/bin/$tool" "$PORTICO_TOOLS/shims/$tool"
  done
  export PATH="$PORTICO_TOOLS/shims:$PORTICO_TOOLS/bin:$PATH"
}

# cargo_wasm SUBCOMMAND ARGS...: cargo for the wasm32 bundle. -Zbuild-std builds std from
# Debian's rust-web-src and needs RUSTC_BOOTSTRAP on this stable compiler; the
# server build does without it, so that it matches a plain `cargo test`.
# The subcommand comes first, then these flags, then the caller's arguments
# (which may end with `-- ...` for clippy).
cargo_wasm() {
  local subcommand="$1"
  shift
  RUSTC_BOOTSTRAP=1 cargo "$subcommand" --target wasm32-unknown-unknown --no-default-features \
    --features hydrate --profile wasm-release -Zbuild-std=std,panic_abort "$@"
}

# ensure_wasm_bindgen: the CLI at exactly the version in Cargo.lock.
ensure_wasm_bindgen() {
  local want
  want="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$REPO_ROOT/Cargo.lock")"
  if [ "$("$PORTICO_TOOLS/bin/wasm-bindgen" --version 2>/dev/null | awk '{print $2}')" != "$want" ]; then
    say "installing wasm-bindgen-cli $want (a few minutes, once)"
    cargo install wasm-bindgen-cli --version "$want" --root "$PORTICO_TOOLS"
  fi
}

# ensure_node_modules: the browser-test tools, never a downloaded browser.
ensure_node_modules() {
  if [ ! -d "$REPO_ROOT/end2end/node_modules/@playwright/test" ] || \
     [ "$REPO_ROOT/end2end/package-lock.json" -nt "$REPO_ROOT/end2end/node_modules/.package-lock.json" ]; then
    say "installing the browser-test packages"
    (cd "$REPO_ROOT/end2end" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
  fi
}

# build_site: the hydrate bundle (wasm + JS glue), CSS and public files, into
# target/site where the server looks for them.
build_site() {
  say "building the browser bundle"
  (cd "$REPO_ROOT" && cargo_wasm build --lib)
  mkdir -p "$SITE_ROOT/pkg"
  wasm-bindgen --target web --no-typescript --remove-name-section --remove-producers-section --out-dir "$SITE_ROOT/pkg" --out-name portico \
    "$WASM_TARGET_DIR/wasm32-unknown-unknown/wasm-release/portico.wasm"
  cp "$REPO_ROOT/style/main.css" "$SITE_ROOT/pkg/portico.css"
  cp -R "$REPO_ROOT/public/." "$SITE_ROOT/"
}
