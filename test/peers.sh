#!/usr/bin/env bash
# Makes sure the Debian packages the test suite runs against are installed: the Go reference Pushgateway
# (the conformance oracle), Prometheus and promtool, curl (seed commands), the real clients of test/interop/
# (Go's client_golang built with Debian's Go, Python's prometheus_client, Node for prom-client), setpriv
# (util-linux), which ties every server the tests start to the test process (test/helpers/server-process.ts),
# for the web config tests openssl (certificates) and htpasswd from apache2-utils (bcrypt hashes), and the
# browser the web UI tests drive through playwright-core (chromium), and for the packaging tests systemd
# (systemd-analyze, systemd-socket-activate) and strace (the unit's system call filter against a real run), and
# redis-server, which the replica tests (test/replica/) start on loopback themselves (never the system service).
# Installs missing ones when running as root; otherwise prints the exact command to run and fails. It never
# skips silently: a missing peer is an error.
set -euo pipefail

# The one list of peer packages.
PEER_PACKAGES="prometheus-pushgateway prometheus curl golang-go golang-github-prometheus-client-golang-dev python3-prometheus-client nodejs
  util-linux openssl apache2-utils chromium systemd strace redis-server"

# Files the tests use by absolute path, as a check that the packages above really provide them: programs
# (under a bin/ directory) must be executable, library files must exist.
PEER_FILES="/usr/bin/prometheus-pushgateway /usr/bin/prometheus /usr/bin/promtool /usr/bin/curl /usr/bin/go
  /usr/share/gocode/src/github.com/prometheus/client_golang/prometheus/push/push.go
  /usr/bin/python3 /usr/lib/python3/dist-packages/prometheus_client/__init__.py /usr/bin/node /usr/bin/setpriv
  /usr/bin/openssl /usr/bin/htpasswd /usr/bin/chromium /usr/bin/systemd-analyze /usr/bin/systemd-socket-activate
  /usr/bin/strace /usr/bin/unshare /usr/bin/redis-server"

installed() {
  [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" = "install ok installed" ]
}

missing=()
for package in $PEER_PACKAGES; do
  installed "$package" || missing+=("$package")
done

if [ "${#missing[@]}" -gt 0 ]; then
  command="apt-get install -y --no-install-recommends ${missing[*]}"
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "peers.sh: missing Debian packages ${missing[*]}, and apt-get is not available on this machine" >&2
    exit 1
  fi
  if [ "$(id -u)" -ne 0 ]; then
    echo "peers.sh: missing Debian packages: ${missing[*]}" >&2
    echo "peers.sh: install them with:" >&2
    echo "  sudo $command" >&2
    exit 1
  fi
  # Refresh the package lists only when one of the packages has no install candidate yet.
  for package in "${missing[@]}"; do
    if ! apt-cache policy "$package" 2>/dev/null | grep -q 'Candidate: [^(]'; then
      echo "peers.sh: apt-get update (no candidate for $package)" >&2
      apt-get update
      break
    fi
  done
  echo "peers.sh: $command" >&2
  DEBIAN_FRONTEND=noninteractive $command
  for package in "${missing[@]}"; do
    installed "$package" || { echo "peers.sh: $package is still not installed" >&2; exit 1; }
  done
fi

for file in $PEER_FILES; do
  case "$file" in
    */bin/*) [ -x "$file" ] ;;
    *) [ -f "$file" ] ;;
  esac || { echo "peers.sh: $file is missing although its package is installed" >&2; exit 1; }
done
