#!/usr/bin/env bash
# Install what nisim needs from Debian 12's packages, if it is missing. Safe to run again.
# Uses sudo when not root. Nothing is downloaded from anywhere but Debian's archive.
# Usage: tools/setup.sh [--ci]   (--ci: also clang, clang-format, clang-tidy (with
# run-clang-tidy) and the libFuzzer/sanitizer runtimes that tools/ci_checks.sh needs)
set -euo pipefail

packages=(
  g++ cmake ninja-build pkg-config git
  libeigen3-dev libtbb-dev libhdf5-dev hdf5-tools libcli11-dev libtomlplusplus-dev
  librandom123-dev libnlopt-dev libboost-dev libgtest-dev libgmock-dev libbenchmark-dev
  libsleef-dev   # optional: SLEEF's exp and log in bench/math_bench.cpp (docs/performance.md)
  openmpi-bin libopenmpi-dev
  python3 python3-h5py python3-numpy python3-matplotlib python3-xarray python3-h5netcdf
  python3-pandas python3-pytest
  python3-pip python3-setuptools python3-wheel python3-venv   # pip install ./python (docs/python.md), offline
  chromium chromium-driver python3-selenium
)
if [ "${1:-}" = "--ci" ]; then
  packages+=(clang clang-format clang-tidy libclang-rt-14-dev)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} packages present"
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
echo "setup: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
