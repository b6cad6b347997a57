#!/bin/sh
# The Python that `make` builds .venv with, printed as a full path: PYTHON=… when given,
# else the first of python3, python3.13, python3.12, python3.11 on PATH that runs and is
# Python 3.11–3.13. Stops with a French/English message when there is none.
#   sh tools/find_python.sh            # e.g. /usr/bin/python3
#   sh tools/find_python.sh python3.12
set -eu

fits() {
    "$1" -c 'import sys; sys.exit(not (3, 11) <= sys.version_info[:2] <= (3, 13))' \
        >/dev/null 2>&1
}

if [ -n "${1:-}" ]; then
    candidates=$1
else
    candidates="python3 python3.13 python3.12 python3.11"
fi

for name in $candidates; do
    path=$(command -v "$name" 2>/dev/null) || continue
    if fits "$path"; then
        # the interpreter itself, not a wrapper (pyenv shims choose by folder)
        "$path" -c 'import sys; print(sys.executable)'
        exit 0
    fi
done

{
    if [ -n "${1:-}" ]; then
        if ! command -v "$1" >/dev/null 2>&1; then
            fr="introuvable"; en="not found"
        elif version=$("$1" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)
        then
            fr="Python $version"; en="Python $version"
        else
            fr="ne se lance pas"; en="does not run"
        fi
        echo "PYTHON=$1 : $fr ; le workbench demande Python 3.11, 3.12 ou 3.13."
        echo "PYTHON=$1: $en; the workbench needs Python 3.11, 3.12 or 3.13."
    else
        echo "Aucun Python 3.11, 3.12 ou 3.13 (python3, python3.13, python3.12, python3.11)."
        echo "No Python 3.11, 3.12 or 3.13 found (python3, python3.13, python3.12, python3.11)."
    fi
    echo "Debian 12 / 13, Ubuntu 24.04 :  sudo apt-get install python3 python3-venv"
    echo "Ailleurs / elsewhere: install one, or give it: make demo PYTHON=/path/to/python3.12"
} >&2
exit 1
