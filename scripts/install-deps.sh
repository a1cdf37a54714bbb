#!/usr/bin/env bash
# Installs what VoC Loop needs to build, test and run, from Debian 12's
# packages, only where something is missing. Safe to run again.
set -euo pipefail

PACKAGES=(
  # toolchain
  g++ cmake ninja-build ccache pkg-config git
  # stack
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  libhiredis-dev redis-server
  libsoci-dev libsqlite3-dev libpq-dev postgresql
  libboost-dev libboost-system-dev
  libyaml-cpp-dev nlohmann-json3-dev libspdlog-dev libfmt-dev libcurl4-openssl-dev
  # accounts, sessions and API keys (Argon2id, SHA-256, random ids) and TLS
  libsodium-dev libssl-dev
  # the services' allocator (common/CMakeLists.txt, voc_allocator)
  libjemalloc-dev
  # triage analysis
  libicu-dev libopencc-dev libopencc-data libhyperscan-dev
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev python3 python3-yaml
  # the Prometheus project's text-format parser, which reads /metrics in the tests
  python3-prometheus-client
  # the notify channels' integration test: a real SMTP server, and openssl for its test CA
  python3-aiosmtpd openssl
  # Helm chart check (see docs/operations.md)
  golang-go golang-github-masterminds-sprig-dev golang-k8s-sigs-yaml-dev yamllint
  # browser test of the web page (tests/web)
  chromium
)

# Node.js and npm may come from another source (e.g. a nodesource package that
# bundles npm and conflicts with Debian's): only install Debian's when the
# commands are absent.
command -v node >/dev/null 2>&1 || PACKAGES+=(nodejs)
command -v npm >/dev/null 2>&1 || PACKAGES+=(npm)

missing=()
for pkg in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: everything is installed"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing packages: ${missing[*]}" >&2
  echo "install-deps: run as root (or: sudo apt-get install ${missing[*]})" >&2
  exit 1
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
# Debian starts a system redis-server on install; VoC Loop runs its own.
if command -v systemctl >/dev/null 2>&1; then systemctl disable --now redis-server >/dev/null 2>&1 || true; fi
