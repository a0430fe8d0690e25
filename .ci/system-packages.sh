#!/usr/bin/env bash
# Debian packages residegi needs beside its Python packages.
#   runtime: Pango (WeasyPrint), libharfbuzz-subset0 (without it WeasyPrint silently falls
#            back to a subsetting path ~2.5x slower), poppler-utils (pdftotext, pdfsig)
#   tests:   libreoffice-writer-nogui (one DOCX golden image is rendered through LibreOffice),
#            chromium (the web desk's browser tests; Playwright cannot download its own offline)
# Installs what is missing when run as root with apt-get; otherwise names it and fails.
set -euo pipefail
want_tests=${1:-}

missing=()
have_lib() { ldconfig -p 2>/dev/null | grep -q "$1"; }
have_lib 'libpango-1.0.so.0' || missing+=(libpango-1.0-0)
have_lib 'libpangoft2-1.0.so.0' || missing+=(libpangoft2-1.0-0)
have_lib 'libharfbuzz-subset.so.0' || missing+=(libharfbuzz-subset0)
command -v pdftotext >/dev/null || missing+=(poppler-utils)
command -v fc-list >/dev/null || missing+=(fontconfig)
if [ "$want_tests" = "--tests" ]; then
  command -v soffice >/dev/null || missing+=(libreoffice-writer-nogui)
  [ -x /usr/lib/chromium/chromium ] || missing+=(chromium)
fi
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  exit 0
fi
echo "residegi needs these Debian packages, which are not installed:" >&2
echo "  sudo apt-get install ${missing[*]}" >&2
exit 1
