#!/usr/bin/env bash
# A throw-away one-node SLURM cluster on localhost, for the SLURM integration test.
#
#   tests/slurm/cluster.sh start   # install slurm-wlm + munge if missing, configure, start, wait
#   tests/slurm/cluster.sh stop    # stop the daemons this script started (by PID)
#
# Needs root (apt-get, /etc/slurm, daemons run as root). Accounting is off, so
# job status must come from squeue (snakemake: --slurm-status-command squeue).
set -euo pipefail

state=/tmp/neoag-slurm
conf=/etc/slurm/slurm.conf

munge_pid=/run/munge/neoag-munged.pid  # munged runs as user munge: its pid file lives in its own folder

stop() {
    for pid_file in "$state/slurmd.pid" "$state/slurmctld.pid" "$munge_pid"; do
        if [ -f "$pid_file" ]; then
            kill "$(cat "$pid_file")" 2>/dev/null || true
            rm -f "$pid_file"
        fi
    done
    # slurmd forks slurmstepd per job step; none should outlive the cluster.
    pkill -f "slurmstepd: \[" 2>/dev/null || true
}

start() {
    if [ "$(id -u)" -ne 0 ]; then
        echo "cluster.sh: must run as root (it installs and starts system daemons)" >&2
        exit 1
    fi
    if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends slurm-wlm munge >/dev/null
    fi
    stop
    mkdir -p "$state" /var/spool/slurmctld /var/spool/slurmd /var/log/slurm /run/munge /etc/munge
    chown munge:munge /run/munge /etc/munge 2>/dev/null || true

    if [ ! -s /etc/munge/munge.key ]; then
        dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
    fi
    chown munge:munge /etc/munge/munge.key
    chmod 400 /etc/munge/munge.key
    runuser -u munge -- /usr/sbin/munged --pid-file "$munge_pid" \
        --socket /run/munge/munge.socket.2

    cpus=$(nproc)
    memory_mb=$(($(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 - 1024))
    cat >"$conf" <<CONF
# Written by neoag's tests/slurm/cluster.sh: a one-node test cluster on localhost.
ClusterName=neoagtest
SlurmctldHost=localhost
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=$state/slurmctld.pid
SlurmdPidFile=$state/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
ReturnToService=2
SchedulerType=sched/backfill
NodeName=localhost CPUs=$cpus RealMemory=$memory_mb State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF

    /usr/sbin/slurmctld
    /usr/sbin/slurmd
    for _ in $(seq 60); do
        if sinfo --noheader --states=idle,mixed 2>/dev/null | grep -q localhost; then
            echo "cluster.sh: SLURM is up ($cpus CPUs, $memory_mb MB)"
            return 0
        fi
        sleep 1
    done
    echo "cluster.sh: SLURM did not come up; logs in /var/log/slurm/" >&2
    tail -n 20 /var/log/slurm/slurmctld.log /var/log/slurm/slurmd.log >&2 || true
    stop
    exit 1
}

case "${1:-}" in
start) start ;;
stop) stop ;;
*)
    echo "usage: $0 start|stop" >&2
    exit 2
    ;;
esac
