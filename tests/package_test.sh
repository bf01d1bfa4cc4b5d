#!/usr/bin/env bash
# make package, checked as a user would meet it: the two .debs are built from the build tree,
# hold what they must (binary, plugins, units, man page, docs; headers and CMake package in
# -dev), depend on Debian's libraries, and — unpacked into a scratch root with dpkg -x, no
# installation on this machine — the binary runs, finds its plugins beside it, validates the
# shipped examples and checks a local site. The systemd units pass `systemd-analyze verify`
# (with the binary's path pointed at the unpacked one).
set -euo pipefail
build_dir=$1 target=$2
stage=$(mktemp -d)
target_pid=
trap '[ -n "$target_pid" ] && kill $target_pid 2>/dev/null; rm -rf "$stage"' EXIT
fail() { echo "package test: $*" >&2; exit 1; }

(cd "$build_dir" && cpack -G DEB -B "$stage/packages" > "$stage/cpack.log" 2>&1) || { cat "$stage/cpack.log"; fail "cpack failed"; }
deb=$(ls "$stage"/packages/watchpost_*_amd64.deb)
dev=$(ls "$stage"/packages/watchpost-dev_*_all.deb)

contents=$(dpkg-deb -c "$deb" | awk '{print $6}')
for f in ./usr/bin/watchpost ./usr/lib/watchpost/plugins/watchpost-http.so ./usr/lib/watchpost/plugins/watchpost-pg_sink.so \
         ./usr/lib/watchpost/plugins/watchpost-webhook.so ./usr/lib/systemd/system/watchpost@.service \
         ./usr/lib/systemd/system/watchpost-serve.service ./usr/share/man/man1/watchpost.1.gz \
         ./usr/share/doc/watchpost/README.md ./usr/share/doc/watchpost/docs/api.md \
         ./usr/share/doc/watchpost/examples/quickstart.yaml; do
  grep -qx "$f" <<< "$contents" || fail "watchpost.deb lacks $f"
done
dev_contents=$(dpkg-deb -c "$dev" | awk '{print $6}')
for f in ./usr/include/watchpost/plugin_api.h ./usr/include/watchpost/plugin.hpp ./usr/lib/cmake/watchpost/watchpostConfig.cmake; do
  grep -qx "$f" <<< "$dev_contents" || fail "watchpost-dev.deb lacks $f"
done
depends=$(dpkg-deb -f "$deb" Depends)
for lib in libcurl4 libpqxx-6.4 librdkafka1 libyaml-cpp0.7 libsodium23 libjwt0; do
  grep -q "$lib" <<< "$depends" || fail "Depends lacks $lib: $depends"
done

root="$stage/root"
dpkg -x "$deb" "$root"
dpkg -x "$dev" "$root"
wp="$root/usr/bin/watchpost"
# Stripped: the debug information stays in the build tree.
for f in "$wp" "$root"/usr/lib/watchpost/plugins/watchpost-http.so; do
  ! readelf -S "$f" | grep -q '\.debug_info' || fail "$f is not stripped"
done
"$wp" --version | grep -q "^watchpost " || fail "--version: $("$wp" --version)"
# Its plugins are found beside it (../lib/watchpost/plugins), not in the build tree.
plugins=$(WATCHPOST_PLUGIN_PATH= "$wp" plugins)
grep -q "http" <<< "$plugins" && grep -q "pg_sink" <<< "$plugins" || fail "plugins not found: $plugins"
"$wp" validate "$root/usr/share/doc/watchpost/examples/quickstart.yaml" > /dev/null || fail "the shipped quickstart does not validate"
zcat "$root/usr/share/man/man1/watchpost.1.gz" | grep -q '^.SH "watchpost serve"' || fail "the man page lacks serve"

"$target" > "$stage/target.out" &
target_pid=$!
for _ in $(seq 100); do grep -q listening "$stage/target.out" && break; sleep 0.05; done
url=$(sed -n 's|^listening \(http://[^ ]*\).*|\1|p' "$stage/target.out")
[ -n "$url" ] || fail "the target did not start"
"$wp" check "$url" > "$stage/check.out" || fail "check $url: $(cat "$stage/check.out")"
grep -q "UP" "$stage/check.out" || fail "check printed: $(cat "$stage/check.out")"

if command -v systemd-analyze > /dev/null; then
  for unit in watchpost@.service watchpost-serve.service; do
    sed "s|/usr/bin/watchpost|$wp|g" "$root/usr/lib/systemd/system/$unit" > "$stage/$unit"
  done
  for unit in watchpost@example.service watchpost-serve.service; do
    out=$(cd "$stage" && systemd-analyze verify --man=no "$stage/$unit" 2>&1) || fail "systemd-analyze verify $unit: $out"
    [ -z "$out" ] || fail "systemd-analyze verify $unit: $out"
  done
else
  echo "systemd-analyze is not installed: the units are not verified"
fi
echo "package test: ok ($(basename "$deb"), $(basename "$dev"))"
