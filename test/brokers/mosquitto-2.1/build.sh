#!/usr/bin/env bash
# Builds Mosquitto 2.1.2 (broker, clients, mosquitto_ctrl, dynamic-security plugin) from the
# upstream source tarball beside this script (EPL-2.0 / EDL-1.0; website, tests and fuzzing
# folders left out) into PREFIX, default /opt/mqtt-top-test/mosquitto-2.1.2, where the tests look
# for it (MQTT_TOP_MOSQUITTO_21 names another prefix). Debian ships 2.0.11 only. Installs cmake,
# gcc, make, libssl-dev and libcjson-dev when missing; about three minutes on two cores.
set -euo pipefail
prefix=${1:-${MQTT_TOP_MOSQUITTO_21:-/opt/mqtt-top-test/mosquitto-2.1.2}}
here=$(cd "$(dirname "$0")" && pwd)
if [ -x "$prefix/sbin/mosquitto" ]; then
	echo "Mosquitto 2.1.2 already built in $prefix"
	exit 0
fi

need=()
for tool in cmake gcc make; do command -v "$tool" >/dev/null || need+=("$tool"); done
for lib in libssl-dev libcjson-dev; do dpkg -s "$lib" >/dev/null 2>&1 || need+=("$lib"); done
if [ ${#need[@]} -gt 0 ]; then
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tar xzf "$here/mosquitto-2.1.2-src.tar.gz" -C "$work"
cmake -S "$work/mosquitto-2.1.2" -B "$work/build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$prefix" \
	-DWITH_DOCS=OFF -DWITH_TESTS=OFF -DWITH_CTRL_SHELL=OFF -DWITH_WEBSOCKETS=OFF >"$work/cmake.log" 2>&1 || {
	tail -20 "$work/cmake.log"
	exit 1
}
make -C "$work/build" -j"$(nproc)" >"$work/make.log" 2>&1 || {
	tail -30 "$work/make.log"
	exit 1
}
make -C "$work/build" install >/dev/null
echo "built Mosquitto 2.1.2 in $prefix"
