#!/usr/bin/env bash
# launch/local_slurm.sh start|stop|status|env: a real single-node Slurm cluster on this machine
# (slurmctld + slurmd + munge, with accounting through slurmdbd + MariaDB), for trying the
# SLURM launcher (hydra/launcher=slurm) and for tests/commands/test_slurm.py. Needs root; installs the
# Debian packages when missing. Idempotent: `start` starts only what is not running.
#
#   launch/local_slurm.sh start         # prints `export SLURM_CONF=...` last
#   eval "$(launch/local_slurm.sh env)"  # then sinfo, sbatch, sacct, python -m rpo_exp.train -m ...
#   launch/local_slurm.sh stop
#
# Everything lives in $LOCAL_SLURM_DIR (default /tmp/rpo_exp-slurm): slurm.conf, state, spool,
# logs, the database; nothing is written to /etc/slurm. The ports are picked free at the first
# start and kept in the dir, so two clusters (two dirs) can run side by side on one host.
# Partition `debug`; the node is this host as `slurmd -C` sees it (CPUs, memory; no GPU gres).
#
# Accounting (sacct): submitit reads job states with `sacct`. With accounting off, sacct fails,
# submitit sees every job as UNKNOWN, and a job that fails, is cancelled or killed makes
# `job.result()` wait forever. A real cluster answers sacct from slurmdbd, so this script runs
# slurmdbd on a private MariaDB instance (its own datadir, socket and port under the dir):
# faithful (requeues show as REQUEUED in `sacct -D`, failures as FAILED), at the cost of ~25 s of
# extra packages at the first install and ~5 s at start. An `sacct` shim answering from squeue
# would be lighter but is a fake of the interface under test, so it is not used.
#
# Timings that matter (Slurm 22.05 on Debian 12): without `AuthInfo=cred_expire=5` a requeued
# job waits 120 s in PENDING (BeginTime), without the `SchedulerParameters` line a 30 s backfill
# cycle. With both, a requeued job runs again 8-10 s after it was signalled (measured), 5 s of
# which is slurmd's kill grace: it waits max(KillWait, 5) s between SIGTERM and SIGKILL.
set -euo pipefail

DIR=${LOCAL_SLURM_DIR:-/tmp/rpo_exp-slurm}
export SLURM_CONF=$DIR/etc/slurm.conf
PACKAGES=(slurmctld slurmd slurm-client slurmdbd munge mariadb-server)
HOST=$(hostname -s)

say() { echo "local_slurm: $*" >&2; }
die() { say "error: $*"; exit 1; }

alive() { [[ -s $1 ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

wait_for() {  # wait_for SECONDS DESCRIPTION COMMAND...: poll until COMMAND succeeds
    local deadline=$((SECONDS + $1)) what=$2
    shift 2
    until "$@" >/dev/null 2>&1; do
        ((SECONDS < deadline)) || die "$what not up after timeout; logs in $DIR/log"
        sleep 0.2
    done
}

install_packages() {
    local missing=() p
    for p in "${PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
            missing+=("$p")
    done
    ((${#missing[@]} == 0)) && return
    command -v apt-get >/dev/null || die "missing ${missing[*]} and no apt-get to install them"
    say "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >/dev/null || die "apt-get update failed"
    apt-get install -y -q --no-install-recommends "${missing[@]}" >"$DIR/log/apt.log" 2>&1 ||
        die "apt-get install ${missing[*]} failed: see $DIR/log/apt.log"
}

free_port() {  # a port in 20000-29999 with nothing listening on it, not in $*
    local p
    while :; do
        p=$((20000 + RANDOM % 10000))
        [[ " $* " == *" $p "* ]] && continue
        (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
    done
}

pick_ports() {
    if [[ ! -s $DIR/ports ]]; then
        local a b c d
        a=$(free_port); b=$(free_port "$a"); c=$(free_port "$a" "$b"); d=$(free_port "$a" "$b" "$c")
        printf 'CTLD_PORT=%s\nSLURMD_PORT=%s\nDBD_PORT=%s\nDB_PORT=%s\n' "$a" "$b" "$c" "$d" \
            >"$DIR/ports"
    fi
    # shellcheck source=/dev/null
    source "$DIR/ports"
}

start_munge() {
    munge -n >/dev/null 2>&1 && return  # checked by use: a dying munged has a live pid
    mkdir -p /run/munge && chown munge:munge /run/munge
    [[ -s /etc/munge/munge.key ]] || runuser -u munge -- mungekey --create >/dev/null
    runuser -u munge -- /usr/sbin/munged --force 9>&-
    touch "$DIR/run/munged.ours"
    wait_for 10 munged munge -n
}

DB_SOCK() { echo "$DIR/db/mysqld.sock"; }

start_mariadb() {
    mariadb-admin --no-defaults --socket="$(DB_SOCK)" ping >/dev/null 2>&1 && return
    if [[ ! -d $DIR/db/data/mysql ]]; then
        mariadb-install-db --no-defaults --user=root --datadir="$DIR/db/data" --skip-test-db \
            --auth-root-authentication-method=socket >"$DIR/log/mariadb-install.log" 2>&1 ||
            die "mariadb-install-db failed: see $DIR/log/mariadb-install.log"
    fi
    setsid mariadbd --no-defaults --user=root --datadir="$DIR/db/data" --socket="$(DB_SOCK)" \
        --pid-file="$DIR/run/mariadb.pid" --port="$DB_PORT" --bind-address=127.0.0.1 \
        --skip-name-resolve --innodb-buffer-pool-size=32M --log-error="$DIR/log/mariadb.log" \
        </dev/null >/dev/null 2>&1 9>&- &
    wait_for 60 MariaDB mariadb-admin --no-defaults --socket="$(DB_SOCK)" ping
    mariadb --no-defaults --socket="$(DB_SOCK)" -e "
        CREATE USER IF NOT EXISTS 'slurm'@'127.0.0.1' IDENTIFIED BY 'slurm';
        GRANT ALL ON slurm_acct_db.* TO 'slurm'@'127.0.0.1';"
}

write_confs() {
    cat >"$DIR/etc/slurmdbd.conf" <<EOF
AuthType=auth/munge
DbdHost=$HOST
DbdAddr=127.0.0.1
DbdPort=$DBD_PORT
SlurmUser=root
LogFile=$DIR/log/slurmdbd.log
PidFile=$DIR/run/slurmdbd.pid
StorageType=accounting_storage/mysql
StorageHost=127.0.0.1
StoragePort=$DB_PORT
StorageUser=slurm
StoragePass=slurm
StorageLoc=slurm_acct_db
EOF
    chmod 600 "$DIR/etc/slurmdbd.conf"  # slurmdbd refuses a conf others can read
    local node
    node=$(slurmd -C | head -1 | sed 's/ Boards=[0-9]*//; s/SocketsPerBoard=/Sockets=/')
    cat >"$SLURM_CONF" <<EOF
ClusterName=local
SlurmctldHost=$HOST(127.0.0.1)
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=cred_expire=5
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool
SlurmctldPidFile=$DIR/run/slurmctld.pid
SlurmdPidFile=$DIR/run/slurmd.pid
SlurmctldLogFile=$DIR/log/slurmctld.log
SlurmdLogFile=$DIR/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
SchedulerParameters=bf_interval=1,sched_interval=1,batch_sched_delay=0
AccountingStorageType=accounting_storage/slurmdbd
AccountingStorageHost=127.0.0.1
AccountingStoragePort=$DBD_PORT
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
MpiDefault=none
MailProg=/bin/true
ReturnToService=2
SlurmctldTimeout=30
SlurmdTimeout=30
InactiveLimit=0
MinJobAge=300
KillWait=5
Waittime=0
$node NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=debug Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
EOF
}

node_up() { sinfo -h -n "$HOST" -o %T | grep -qE '^(idle|mixed|allocated|completing)'; }

start() {
    [[ $EUID -eq 0 ]] || die "needs root (slurmd runs jobs as their users; apt installs)"
    mkdir -p "$DIR"/{etc,state,spool,log,run,db}
    exec 9>"$DIR/.lock"
    flock 9
    install_packages
    pick_ports
    write_confs
    start_munge
    start_mariadb
    if ! alive "$DIR/run/slurmdbd.pid"; then
        slurmdbd 9>&-
        wait_for 60 slurmdbd sacctmgr -n list cluster
    fi
    if ! sacctmgr -n -P list cluster format=cluster | grep -qx local; then
        sacctmgr -i add cluster local >/dev/null
    fi
    alive "$DIR/run/slurmctld.pid" || slurmctld 9>&-
    wait_for 30 slurmctld scontrol ping
    alive "$DIR/run/slurmd.pid" || slurmd 9>&-
    wait_for 30 "node $HOST" node_up
    say "up: $(sinfo -h -o '%P %D %T %C') (dir $DIR)"
    echo "export SLURM_CONF=$SLURM_CONF"
}

stop_pids() {  # stop_pids PIDFILE...: TERM them all; KILL any still alive 15 s later
    local pids=() file pid deadline=$((SECONDS + 15))
    for file in "$@"; do alive "$file" && pids+=("$(cat "$file")"); done
    ((${#pids[@]})) || return 0
    kill "${pids[@]}" 2>/dev/null || true
    for pid in "${pids[@]}"; do
        while kill -0 "$pid" 2>/dev/null; do
            if ((SECONDS >= deadline)); then
                say "pid $pid ignored SIGTERM: killing it"
                kill -9 "$pid" 2>/dev/null || true
            fi
            sleep 0.2
        done
    done
}

stop() {
    [[ -d $DIR ]] || return 0
    exec 9>"$DIR/.lock"
    flock 9
    if alive "$DIR/run/slurmctld.pid"; then  # cancel the jobs and let them end first
        scancel --quiet --user=root 2>/dev/null || true
        local deadline=$((SECONDS + 30))
        while [[ -n $(squeue -h -o %i 2>/dev/null) ]] && ((SECONDS < deadline)); do sleep 0.5; done
    fi
    stop_pids "$DIR/run/slurmd.pid" "$DIR/run/slurmctld.pid"
    stop_pids "$DIR/run/slurmdbd.pid" "$DIR/run/mariadb.pid"  # after slurmctld: its last records
    local pid
    for pid in $(pgrep -x slurmstepd); do  # job step daemons of this cluster left behind, if any
        if [[ $(readlink "/proc/$pid/cwd") == "$DIR"/* ]]; then kill -9 "$pid" 2>/dev/null || true; fi
    done
    if [[ -e $DIR/run/munged.ours ]]; then  # keep munged while another cluster still uses it
        if ! pgrep -x slurmctld >/dev/null && ! pgrep -x slurmd >/dev/null; then
            stop_pids /run/munge/munged.pid
        fi
        rm -f "$DIR/run/munged.ours"
    fi
    say "stopped (dir $DIR)"
}

status() {
    local rc=0 name
    for name in slurmctld slurmd slurmdbd mariadb; do
        if alive "$DIR/run/$name.pid"; then
            echo "$name: running (pid $(cat "$DIR/run/$name.pid"))"
        else
            echo "$name: stopped"; rc=1
        fi
    done
    if munge -n >/dev/null 2>&1; then echo "munge: running"; else echo "munge: stopped"; rc=1; fi
    ((rc == 0)) && sinfo
    return $rc
}

case ${1:-} in
    start) start ;;
    stop) stop ;;
    status) status ;;
    env) echo "export SLURM_CONF=$SLURM_CONF" ;;
    *) echo "usage: $0 start|stop|status|env   (dir: \$LOCAL_SLURM_DIR=$DIR)" >&2; exit 2 ;;
esac
