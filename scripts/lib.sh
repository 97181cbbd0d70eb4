# Shared by scripts/run and scripts/test: install what is missing, reuse what is
# there, and say what is being done. Sourced, not executed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

TRUNK_VERSION=0.21.14
WASM_BINDGEN_VERSION=0.2.130   # must equal the wasm-bindgen crate pinned in app/Cargo.toml
export PATH="$HOME/.cargo/bin:$ROOT/tools/node_modules/.bin:$PATH"

# When the outermost script started: `say` gives the minutes since, so a
# long run's log shows where its time went.
export REGARD_STARTED="${REGARD_STARTED:-$(date +%s)}"
say() {
  local s=$(($(date +%s) - REGARD_STARTED))
  printf '\033[1m==> [%d:%02d] %s\033[0m\n' $((s / 60)) $((s % 60)) "$*"
}

# A free TCP port on loopback.
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# wait_http URL PID: polls URL until it answers, failing if process PID ends first.
wait_http() {
  until curl -sf "$1" >/dev/null; do
    kill -0 "$2" || exit 1
    sleep 0.2
  done
}

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

APT_UPDATED=
apt_install() {
  if [ -z "$APT_UPDATED" ]; then
    say "Updating Debian's package lists"
    as_root apt-get update -qq
    APT_UPDATED=1
  fi
  say "Installing Debian packages: $*"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# ensure_packages PACKAGE...: installs those of Debian's packages not installed yet.
ensure_packages() {
  local missing=() package
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
  done
  if [ "${#missing[@]}" -gt 0 ]; then apt_install "${missing[@]}"; fi
}

ensure_node() {
  if command -v node >/dev/null && command -v npm >/dev/null; then return; fi
  apt_install nodejs npm
}

ensure_wasm_target() {
  if rustup target list --installed | grep -qx wasm32-unknown-unknown; then return; fi
  say "Adding the Rust wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
}

# ensure_cargo_tool BINARY CRATE VERSION [cargo install flags...]
ensure_cargo_tool() {
  local binary=$1 crate=$2 version=$3
  shift 3
  if command -v "$binary" >/dev/null && "$binary" --version 2>/dev/null | head -n 1 | grep -Eq " $version( |\$)"; then
    return
  fi
  say "Installing $crate $version with cargo (takes several minutes, once)"
  cargo install "$crate" --version "$version" "$@"
}

ensure_build_tools() {
  ensure_wasm_target
  ensure_cargo_tool trunk trunk "$TRUNK_VERSION" --locked
  # No --locked: wasm-bindgen-cli's lockfile pins a crate release the registry no longer serves.
  ensure_cargo_tool wasm-bindgen wasm-bindgen-cli "$WASM_BINDGEN_VERSION"
  ensure_node
  if [ ! -x tools/node_modules/.bin/esbuild ] || [ tools/package-lock.json -nt tools/node_modules/.package-lock.json ]; then
    say "Installing binaryen's wasm-opt and esbuild from npm (tools/)"
    npm ci --prefix tools --no-audit --no-fund --loglevel=error
  fi
}

# Python tools for the tests (aiosmtpd, a real SMTP server; schemathesis, the
# API fuzzer), pinned in tools/requirements.txt and installed into tools/.venv.
ensure_python_tools() {
  if tools/.venv/bin/python -c 'import aiosmtpd, schemathesis' 2>/dev/null; then return; fi
  if ! python3 -c 'import venv, ensurepip' 2>/dev/null; then apt_install python3-venv; fi
  say "Installing the test SMTP server (aiosmtpd) and the API fuzzer (schemathesis) from PyPI into tools/.venv"
  python3 -m venv tools/.venv
  tools/.venv/bin/pip install --quiet --disable-pip-version-check -r tools/requirements.txt
}

build_app() {
  say "Building the web app (trunk, release profile, wasm-opt -Oz) into dist/"
  # Panic locations name source files by their path on the build machine: the
  # registry's and the checkout's prefixes are cut, so the bytes a caller
  # downloads do not depend on where (or by whom) the app was built.
  cargo fetch --locked
  local flags="--remap-path-prefix=$ROOT/=" src
  for src in "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/; do flags+=" --remap-path-prefix=$src="; done
  export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="$flags"
  trunk build --release --offline
  # The caller's page is its own small entry (app/src/lib.rs says why). It goes
  # second: the first build replaces dist/ as a whole.
  say "Building the caller's page into dist/caller/"
  trunk build --release --offline=true --dist dist/caller --public-url /caller/ app/caller.html
  node scripts/minify-js.mjs dist
  node scripts/precompress.mjs dist
  pack_source dist/source.tar.gz
}

# pack_source FILE: the source this build is made from, which every page's
# "source code" link offers (AGPL-3.0 section 13; `--source-url` may point
# elsewhere). In a git checkout: the tracked files as they are now, changes not
# yet committed included; elsewhere, the source folders as they are.
pack_source() {
  local out="$1" tree
  if tree="$(git -C "$ROOT" stash create 2>/dev/null)" && tree="${tree:-$(git -C "$ROOT" rev-parse HEAD 2>/dev/null)}" && [ -n "$tree" ]; then
    git -C "$ROOT" archive --format=tar.gz --prefix=regard/ -o "$out" "$tree"
  else
    tar -C "$ROOT" --exclude=target --exclude=dist --exclude=node_modules --exclude=.venv --transform 's,^,regard/,' \
      -czf "$out" Cargo.toml Cargo.lock LICENSE README.md app bench e2e packaging public scripts server shared style
  fi
}

# The workspace's version (Cargo.toml), the packages' version.
regard_version() { sed -n 's/^version = "\(.*\)"$/\1/p' "$ROOT/Cargo.toml" | head -n 1; }

# PostgreSQL from Debian's package (any installed major version, the newest).
postgres_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
ensure_postgres() {
  if [ -z "$(postgres_bin)" ]; then apt_install postgresql; fi
}

# start_postgres DIR [durable]: a throw-away PostgreSQL cluster in DIR,
# listening on a free loopback port, owned by an unprivileged user because
# initdb refuses to run as root. Sets POSTGRES_URL to its maintenance database;
# stop_postgres DIR stops it. For tests fsync is off: the cluster dies with the
# run, and a killed Regard server (what the durability tests do) does not need
# it; benchmarks ask for `durable` (fsync and synchronous_commit on, defaults).
start_postgres() {
  local dir="$1" bin port settings="-c fsync=off -c full_page_writes=off"
  if [ "${2:-}" = durable ]; then settings=""; fi
  bin="$(postgres_bin)"
  port="$(free_port)"
  local as_user=()
  if [ "$(id -u)" = 0 ]; then
    as_user=(runuser -u nobody --)
    chown nobody "$dir"
    # mktemp makes private directories: let that user through (not list) the parent.
    chmod a+x "$(dirname "$dir")"
  fi
  # A cluster already there (a benchmark keeping its generated data) is reused.
  if [ ! -f "$dir/cluster/PG_VERSION" ]; then
    "${as_user[@]}" "$bin/initdb" -D "$dir/cluster" -U regard --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log"
  fi
  "${as_user[@]}" "$bin/pg_ctl" -D "$dir/cluster" -l "$dir/server.log" -w -o \
    "-c listen_addresses=127.0.0.1 -p $port -k $dir $settings -c max_connections=400" start >/dev/null
  POSTGRES_URL="postgres://regard@127.0.0.1:$port/postgres"
  export POSTGRES_URL
}

stop_postgres() {
  local dir="$1" as_user=()
  if [ "$(id -u)" = 0 ]; then as_user=(runuser -u nobody --); fi
  if [ -f "$dir/cluster/postmaster.pid" ]; then
    "${as_user[@]}" "$(postgres_bin)/pg_ctl" -D "$dir/cluster" -m immediate stop >/dev/null || true
  fi
}
