#!/usr/bin/env bash
# watchpost(1), made from the binary's own --help texts (the overview, then each command's),
# so the page and `watchpost COMMAND --help` never disagree.
#   make-manpage.sh BINARY OUTPUT
set -euo pipefail
bin=$1
out=$2
version=$("$bin" --version | awk '{print $2}')
roff() {  # plain text as roff: backslashes doubled, lines starting with . or ' escaped
  sed -e 's/\\/\\e/g' -e "s/^\([.']\)/\\\\\&\1/"
}
{
  echo ".TH WATCHPOST 1 \"\" \"watchpost $version\" \"User Commands\""
  echo ".SH NAME"
  echo "watchpost \\- website monitoring built from plugins"
  echo ".SH DESCRIPTION"
  echo ".nf"
  "$bin" --help | roff
  echo ".fi"
  for cmd in run validate plugins check report targets alerts serve users; do
    echo ".SH \"watchpost $cmd\""
    echo ".nf"
    "$bin" "$cmd" --help | roff
    echo ".fi"
  done
  echo ".SH FILES"
  echo "/etc/watchpost/NAME.yaml \\- the pipeline file of watchpost@NAME.service"
  echo ".br"
  echo "/var/lib/watchpost/NAME/spool \\- its spool (results waiting for a sink, alert state)"
  echo ".SH SEE ALSO"
  echo "/usr/share/doc/watchpost/ (README.md, docs/, examples/)"
} > "$out"
