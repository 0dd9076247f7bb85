#!/usr/bin/env bash
# Debian packages the tests and the web app need beyond the base image:
#   chromium        headless browser for tests/browser (driven by Playwright via executable_path)
#   fonts-noto-cjk  CJK font embedded in the verification-report PDF (and used by chromium)
#   openjdk-17-jre-headless  Java for Apache Spark (pyspark, the Spark tests), only where no
#                   `java` is on the PATH (any Java 17+ will do)
# Idempotent: installs only what is missing, so CI can call it on every run.
set -euo pipefail

PACKAGES=(chromium fonts-noto-cjk)
if ! command -v java >/dev/null 2>&1; then
  PACKAGES+=(openjdk-17-jre-headless)
fi
missing=()
for pkg in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$pkg")
done
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}"
fi
echo "apt packages present: ${PACKAGES[*]}"
