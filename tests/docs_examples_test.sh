#!/usr/bin/env bash
# Every C++ block of docs/writing-plugins.md that starts with "// file: NAME.cpp" is built
# against the SDK headers alone: a block with main() is linked and run (it must exit 0), the
# others are built as plugin modules and must load in the real core (`watchpost plugins`).
set -euo pipefail
source_dir=$1 watchpost=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

python3 - "$source_dir/docs/writing-plugins.md" "$work" <<'PY'
import re, sys, pathlib
text = pathlib.Path(sys.argv[1]).read_text()
count = 0
for block in re.findall(r"```cpp\n(.*?)```", text, re.S):
    first = block.splitlines()[0]
    m = re.match(r"// file: (\S+\.cpp)$", first)
    if m:
        pathlib.Path(sys.argv[2], m.group(1)).write_text(block)
        count += 1
print(count)
PY
n=$(ls "$work"/*.cpp | wc -l)
if [ "$n" -lt 7 ]; then echo "expected at least 7 compiled examples in docs/writing-plugins.md, found $n"; exit 1; fi

flags=(-std=c++17 -Wall -Wextra -Werror -I "$source_dir/sdk/include" -pthread)
mkdir -p "$work/plugins"
for src in "$work"/*.cpp; do
  name=$(basename "$src" .cpp)
  if grep -q "^int main" "$src"; then
    g++ "${flags[@]}" "$src" -o "$work/$name" || { echo "docs example $name does not build"; exit 1; }
    "$work/$name" || { echo "docs example $name ran and failed"; exit 1; }
  else
    g++ "${flags[@]}" -shared -fPIC -fvisibility=hidden "$src" -o "$work/plugins/watchpost-$name.so" \
      || { echo "docs example $name does not build"; exit 1; }
  fi
done
listed=$("$watchpost" plugins --plugin-dir "$work/plugins")
for plugin in tcp_connect max_latency jsonl nothing one_site delayed; do
  grep -q "^$plugin " <<< "$listed" || { echo "the core did not load the docs' $plugin plugin:"; echo "$listed"; exit 1; }
done
echo "$n docs examples built; the plugins among them load"
