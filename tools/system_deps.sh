#!/bin/sh
# The system packages `make` needs, from Debian/Ubuntu: checks each program and installs
# only what is missing, with apt-get, when it can (as root, or with passwordless sudo);
# otherwise it stops at once and prints the one command to run.
#
#   sh tools/system_deps.sh test ["make test"]
#                                         what the tests drive (make test, make test-fast):
#                                         Debian's chromium (/usr/bin/chromium, browser tests),
#                                         a PostgreSQL server (initdb, pg_ctl), LibreOffice Calc
#                                         and Writer (soffice, to print the annexes to PDF), the
#                                         DejaVu fonts the annexes are laid out for, espeak-ng
#                                         and sox (with its MP3 format) to make the recordings
#                                         of the media tests (tests/media_fixtures.py)
#   sh tools/system_deps.sh venv PYTHON ["make demo"]
#                                         the venv module of PYTHON (python3.X-venv): make
#                                         builds .venv with it (make demo needs nothing else)
#   (the last word, if any: the command to run again once they are installed)
#
# Environment:
#   WORKBENCH_SKIP_PG=1              no PostgreSQL needed (the tests skip it too)
#   WORKBENCH_SYSTEM_DEPS=skip       check nothing (the programs come from elsewhere)
#   WORKBENCH_APT_UPDATED=1          the package lists are fresh: no apt-get update
# To test this script on a machine that has everything:
#   WORKBENCH_SYSTEM_DEPS_DRY_RUN=1  print the apt-get commands instead of running them
#   WORKBENCH_SYSTEM_DEPS_AS_USER=1  act as a user with neither root nor passwordless sudo
#   WORKBENCH_SYSTEM_DEPS_MISSING="chromium postgresql"   take these packages as missing
set -eu

mode=${1:-test}
if [ "$mode" = venv ]; then
    python=${2:-python3}
    again=${3:-make}
else
    again=${2:-make test}
fi
dry_run=${WORKBENCH_SYSTEM_DEPS_DRY_RUN:-}

if [ "${WORKBENCH_SYSTEM_DEPS:-}" = skip ]; then
    echo "WORKBENCH_SYSTEM_DEPS=skip : paquets système non vérifiés / system packages not checked"
    exit 0
fi

# -- what is there ---------------------------------------------------------------------------
has_chromium() {  # tests/browser.py drives this very file (playwright downloads no browser)
    [ -x /usr/bin/chromium ]
}

has_pg_server() {  # initdb and pg_ctl, found as tests/pg_server.py finds them
    for dir in "$(pg_config --bindir 2>/dev/null || true)" /usr/lib/postgresql/*/bin; do
        if [ -n "$dir" ] && [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then
            return 0
        fi
    done
    return 1
}

has_libreoffice() {  # has_libreoffice sc|sw: soffice on PATH and its Calc (sc) or Writer (sw)
    soffice=$(command -v soffice || command -v libreoffice) || return 1
    real=$(readlink -f "$soffice" 2>/dev/null) || real=$soffice
    for dir in "${real%/*}" /usr/lib/libreoffice/program /usr/lib64/libreoffice/program \
               /opt/libreoffice*/program; do
        for module in "$dir/lib${1}lo".*; do
            [ -e "$module" ] && return 0
        done
    done
    return 1
}

has_dejavu() {  # DejaVu Sans and Serif
    dejavu=/usr/share/fonts/truetype/dejavu
    if [ -f "$dejavu/DejaVuSans.ttf" ] && [ -f "$dejavu/DejaVuSerif.ttf" ]; then
        return 0
    fi
    fonts=$(fc-list 2>/dev/null) || return 1
    case $fonts in *"DejaVu Serif"*) ;; *) return 1 ;; esac
    case $fonts in *"DejaVu Sans"*) return 0 ;; esac
    return 1
}

has_program() {  # a program on PATH
    command -v "$1" >/dev/null 2>&1
}

has_sox_mp3() {  # sox writes MP3 only with libsox-fmt-mp3 (sox -h lists its formats)
    command -v sox >/dev/null 2>&1 || return 1
    case " $(sox -h 2>/dev/null | sed -n 's/^AUDIO FILE FORMATS://p') " in
        *" mp3 "*) return 0 ;;
    esac
    return 1
}

has_ensurepip() {  # what `python -m venv` needs to put pip in .venv
    "$1" -c "import ensurepip" >/dev/null 2>&1
}

# -- what is missing ---------------------------------------------------------------------------
missing=""   # Debian packages
why=""       # one line per package

check() {  # check PACKAGE "WHAT FOR" COMMAND...: PACKAGE is missing unless COMMAND succeeds
    package=$1 what=$2
    shift 2
    case " ${WORKBENCH_SYSTEM_DEPS_MISSING:-} " in
        *" $package "*) ;;                    # taken as missing (testing)
        *) if "$@"; then return 0; fi ;;
    esac
    missing="$missing $package"
    why="$why
$(printf '    %-20s %s' "$package" "$what")"
}

check_all() {
    missing="" why=""
    case $mode in
    test)
        check chromium "/usr/bin/chromium: browser tests" has_chromium
        if [ "${WORKBENCH_SKIP_PG:-}" != 1 ]; then
            check postgresql "initdb, pg_ctl: PostgreSQL tests" has_pg_server
        fi
        check libreoffice-calc "soffice + Calc: .xlsx -> PDF" has_libreoffice sc
        check libreoffice-writer "soffice + Writer: .docx -> PDF" has_libreoffice sw
        check fonts-dejavu-core "DejaVu Sans, DejaVu Serif" has_dejavu
        check espeak-ng "espeak-ng: speech for the recordings of the media tests" \
            has_program espeak-ng
        check sox "sox: joins and converts those recordings" has_program sox
        check libsox-fmt-mp3 "sox's MP3 format (recordings in .mp3)" has_sox_mp3
        ;;
    venv)
        check "$venv_package" "$python -m venv: ensurepip" has_ensurepip "$python"
        ;;
    *)
        echo "usage: sh tools/system_deps.sh test | venv PYTHON" >&2
        exit 2
        ;;
    esac
    missing=${missing# }
}

case $mode in
test)
    ;;
venv)
    if ! version=$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])'); then
        echo "$python ne se lance pas / does not run" >&2
        exit 1
    fi
    venv_package="python$version-venv"
    ;;
esac

check_all
if [ -z "$missing" ]; then
    if [ "$mode" = test ]; then
        echo "Paquets système des tests : présents / system packages for the tests: present"
    fi
    exit 0
fi

# -- where apt-get cannot install them -----------------------------------------------------------
if [ "$mode" = venv ]; then
    case $(readlink -f "$("$python" -c 'import sys; print(sys.executable)')") in
    /usr/bin/python3*) ;;   # Debian's Python: its python3.X-venv package has ensurepip
    *)
        {
            echo "Ce Python n'a pas ensurepip : python -m venv ne peut pas y mettre pip."
            echo "This Python has no ensurepip: python -m venv cannot put pip in .venv."
            echo "    $python"
            echo "Donnez-en un autre / give another one:  $again PYTHON=/usr/bin/python3"
        } >&2
        exit 1
        ;;
    esac
fi

if ! command -v apt-get >/dev/null 2>&1; then
    {
        echo "$again a besoin de ces programmes / needs these programs"
        echo "(paquet Debian/Ubuntu, puis ce qu'il apporte / Debian/Ubuntu package, then what for):$why"
        echo "Pas d'apt-get ici : installez-les avec le gestionnaire de paquets du système, puis"
        echo "relancez $again. / No apt-get here: install them with this system's package"
        echo "manager, then run $again again."
        if [ "$mode" = test ]; then
            echo "(WORKBENCH_SKIP_PG=1 skips the PostgreSQL tests; WORKBENCH_SYSTEM_DEPS=skip"
            echo " runs the tests without this check.)"
        fi
    } >&2
    exit 1
fi

if [ "${WORKBENCH_SYSTEM_DEPS_AS_USER:-}" = 1 ]; then
    sudo=none
elif [ "$(id -u)" = 0 ]; then
    sudo=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo="sudo -n"
else
    sudo=none
fi

if [ "$sudo" = none ]; then
    {
        echo "Paquets Debian manquants / missing Debian packages:$why"
        echo "Installez-les (une commande), puis relancez $again."
        echo "Install them (one command), then run $again again:"
        echo
        echo "    sudo apt-get install --no-install-recommends $missing"
        echo
    } >&2
    exit 1
fi

# -- install them -----------------------------------------------------------------------------------
run() {
    echo "+ $*"
    if [ "$dry_run" != 1 ]; then
        "$@"
    fi
}

echo "Installation des paquets Debian manquants / installing the missing Debian packages:$why"
# $sudo is "" or "sudo -n": split on purpose
if [ "${WORKBENCH_APT_UPDATED:-}" != 1 ]; then
    run $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q
fi
run $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing

if [ "$dry_run" = 1 ]; then
    echo "(WORKBENCH_SYSTEM_DEPS_DRY_RUN=1 : rien n'a été installé / nothing was installed)"
    exit 0
fi
WORKBENCH_SYSTEM_DEPS_MISSING=""
check_all
if [ -n "$missing" ]; then
    echo "Toujours absents après apt-get / still missing after apt-get:$why" >&2
    exit 1
fi
echo "Paquets installés / packages installed."
