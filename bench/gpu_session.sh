#!/usr/bin/env bash
# One GPU session of the scoring benchmark (issue 6), for a lent GPU machine
# whose Python has CUDA PyTorch but not MHCflurry: wheels carried in .whl/
# are installed into /tmp/site first. Logs go to $OUT (or bench-gpu-out/).
#
#   bash bench/gpu_session.sh            # checks, GPU bench, CPU baseline on the same machine
set -uo pipefail
out=${OUT:-bench-gpu-out}
mkdir -p "$out"
if compgen -G ".whl/*.whl" >/dev/null; then
    python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl || exit 1
    export PYTHONPATH=/tmp/site
fi
export PYTHONUNBUFFERED=1
python=${PYTHON:-python3}
{
    nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv
    $python -c 'import torch, mhcflurry, pandas; print("torch", torch.__version__, "cuda", torch.cuda.is_available(), "mhcflurry", mhcflurry.__version__, "pandas", pandas.__version__)'
    nproc
} 2>&1 | tee "$out/machine.txt"
$python bench/gpu_check.py 2>&1 | tee "$out/gpu_check.txt"
BENCH_GPU=1 $python bench/scoring.py --pairs ${GPU_PAIRS:-10000 100000 1000000} --repeats ${REPEATS:-2} \
    --variants neoag bare per_row per_row_input 2>"$out/gpu_bench.log" | tee "$out/gpu_bench.md"
$python bench/scoring.py --pairs ${CPU_PAIRS:-100000} --repeats ${REPEATS:-2} \
    --variants neoag bare per_row per_row_input 2>"$out/cpu_bench.log" | tee "$out/cpu_bench.md"
# A network shaped like the released pan-allele ones (timing fixture, not a model): where a GPU pays off.
BENCH_GPU=1 $python bench/scoring.py --pan-timing-fixture 1024,512 --pairs ${FIXTURE_PAIRS:-1000000} --repeats 1 \
    --variants neoag bare 2>"$out/gpu_fixture.log" | tee "$out/gpu_fixture.md"
