#!/usr/bin/env bash
# Installs everything supvisors needs to build, run and test on Debian 12.
# Idempotent: packages already installed are skipped without touching apt.
set -euo pipefail

PACKAGES=(
  # build
  build-essential cmake ninja-build pkg-config
  # libraries
  libzmq3-dev cppzmq-dev libsodium-dev
  libxmlrpc-c++8-dev libxmlrpc-core-c3-dev libcurl4-openssl-dev
  libtinyxml2-dev libxml2-dev libpcre2-dev
  nlohmann-json3-dev libcpp-httplib-dev libssl-dev
  libcli11-dev libspdlog-dev libfmt-dev
  catch2
  # the fuzz targets (test/fuzz/): clang with libFuzzer and the sanitizers' runtimes
  clang libclang-rt-14-dev
  # runtime and tests: a real supervisord, python3 for xmlrpc.client tests, openssl for the
  # test CA of the TLS tests
  supervisor python3 procps iproute2 curl openssl
  # the multi-host fault bed (test/netns): namespaces (util-linux: unshare, nsenter), nftables
  util-linux nftables
  # the event stream example subscriber (examples/event-subscriber)
  python3-zmq
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "deps: all ${#PACKAGES[@]} packages already installed"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "deps: missing packages: ${missing[*]}" >&2
  echo "deps: run this script as root (or: sudo apt-get install ${missing[*]})" >&2
  exit 1
fi

echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
# Debian's supervisor package starts a system supervisord where an init system runs;
# supvisors' own tests and examples run their own supervisords and never need it.
