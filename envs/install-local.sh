#!/usr/bin/env bash
# Installs neoag's tools on a Debian machine without conda: the command-line
# tools from Debian's packages and the Python packages, pinned, into ./.venv.
# These are the same tools (and, where both exist, versions) as the per-step
# conda envs in envs/*.yaml. Safe to rerun: it installs only what is missing.
#
#   bash envs/install-local.sh          # then: .venv/bin/snakemake --cores 2
set -euo pipefail
cd "$(dirname "$0")/.."

# Command-line tools used by the rules, the demo generator and the tests. seqan-apps brings
# razers3 (built-in HLA typer; installed in /usr/lib/seqan/bin, where neoag looks for it).
apt_packages=(samtools bcftools tabix bwa minimap2 freebayes art-nextgen-simulation-tools seqan-apps)

missing=()
for package in "${apt_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
    echo "neoag set-up: installing Debian packages: ${missing[*]}"
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# PyTorch's CPU wheel for Python 3.11 is what these machines provide; a newer
# Python would pull a multi-GB CUDA build instead.
python=""
for candidate in python3.11 python3; do
    if command -v "$candidate" >/dev/null && "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
        python="$candidate"
        break
    fi
done
if [ -z "$python" ]; then
    echo "neoag set-up: Python 3.11 is needed (found: $(python3 --version 2>&1)). Install python3.11 and rerun." >&2
    exit 1
fi

[ -x .venv/bin/python ] || "$python" -m venv .venv

# Reinstall only when the pins change.
stamp=.venv/.neoag-requirements.sha256
wanted=$(cat envs/requirements-torch.txt envs/requirements.lock.txt | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
    echo "neoag set-up: installing Python packages into .venv"
    # torch first, pinned to the CPU build, so that mhcflurry does not pull a CUDA build.
    .venv/bin/python -m pip install -q -r envs/requirements-torch.txt
    .venv/bin/python -m pip install -q -r envs/requirements.lock.txt
    echo "$wanted" >"$stamp"
fi
echo "neoag set-up: ready (.venv/bin/snakemake $(.venv/bin/snakemake --version))"
