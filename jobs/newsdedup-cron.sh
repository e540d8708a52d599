#!/usr/bin/env bash
# Cron entrypoint: run newsdedup on the inbox with the deployment config, log, and act on the exit code.
# Beyond that it only watches the lock: a skipped slot (exit 75, another run holds the output's lock) is
# normal once, but not forever.
#
# Environment (all optional):
#   NEWSDEDUP_HOME       checkout with the .venv           (default: this script's repository)
#   NEWSDEDUP_BIN        the newsdedup command             (default: $NEWSDEDUP_HOME/.venv/bin/newsdedup if
#                                                           it exists, else `newsdedup` on PATH)
#   NEWSDEDUP_INBOX      where new articles arrive          (default: /srv/news/inbox)
#   NEWSDEDUP_OUTPUT     output folder (tables + state)     (default: /srv/news/newsdedup)
#   NEWSDEDUP_CONFIG     deployment config                  (default: configs/production.toml)
#   NEWSDEDUP_LOG        log file (JSON lines)              (default: /var/log/newsdedup/run.log)
#   NEWSDEDUP_MAX_SKIPS  consecutive skipped slots before it is reported as a failure (default: 3)
#
# Exit status (cron mails what is printed on stderr; a quiet exit 0 means nothing to do):
#   0   success, nothing new, or a slot skipped because a live run holds the lock (fewer than
#       NEWSDEDUP_MAX_SKIPS in a row; the log says so)
#   75  the lock is held by a stale holder (the run that took it is gone or is not newsdedup, yet the
#       lock is still held: orphaned processes keep it), reported at once with the processes holding it;
#       or held by a live run across NEWSDEDUP_MAX_SKIPS slots in a row
#   65, 78, 1, ...: newsdedup's own failures, passed on
#
# Consecutive skips are counted in $NEWSDEDUP_OUTPUT/.cron-skips ("<count> <first skip, epoch s> <pid>");
# a run that writes outputs (exit 0 or 65) removes it. The holder's pid is what newsdedup writes into
# $NEWSDEDUP_OUTPUT/.newsdedup.lock; it is checked on this host only.
set -uo pipefail
home=${NEWSDEDUP_HOME:-$(cd "$(dirname "$0")/.." && pwd)}
inbox=${NEWSDEDUP_INBOX:-/srv/news/inbox}
output=${NEWSDEDUP_OUTPUT:-/srv/news/newsdedup}
config=${NEWSDEDUP_CONFIG:-$home/configs/production.toml}
log=${NEWSDEDUP_LOG:-/var/log/newsdedup/run.log}
max_skips=${NEWSDEDUP_MAX_SKIPS:-3}
if [[ -n ${NEWSDEDUP_BIN:-} ]]; then
  bin=$NEWSDEDUP_BIN
elif [[ -x $home/.venv/bin/newsdedup ]]; then
  bin=$home/.venv/bin/newsdedup
else
  bin=newsdedup
fi
lockfile=$output/.newsdedup.lock
skipfile=$output/.cron-skips
mkdir -p "$(dirname "$log")"
if ! [[ $max_skips =~ ^[1-9][0-9]*$ ]]; then
  echo "newsdedup-cron: NEWSDEDUP_MAX_SKIPS must be a positive integer, got '$max_skips'" >&2
  exit 78
fi

note() { printf '%s newsdedup-cron: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >>"$log"; }

# The pid newsdedup recorded in the lock file ("pid <n>"), or nothing.
lock_pid() {
  local content=""
  [[ -r $lockfile ]] && content=$(head -c 200 "$lockfile" 2>/dev/null)
  [[ $content =~ ([0-9]+) ]] && printf '%s' "${BASH_REMATCH[1]}"
}

# "live", "gone" or "not-newsdedup" for a pid ("unknown" without one).
holder_state() {
  local pid=$1 cmd
  [[ -z $pid ]] && { echo unknown; return; }
  [[ -d /proc/$pid ]] || { echo gone; return; }
  cmd=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)
  if [[ $cmd == *newsdedup* ]]; then echo live; else echo not-newsdedup; fi
}

# Processes that have the lock file open (best effort: those this user may inspect), as "  pid: cmdline".
lock_openers() {
  local target fd pid
  target=$(readlink -f "$lockfile" 2>/dev/null) || return 0
  find /proc/[0-9]*/fd -maxdepth 1 -lname "$target" 2>/dev/null | while read -r fd; do
    pid=${fd#/proc/}
    pid=${pid%%/*}
    printf '  %s: %s\n' "$pid" "$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | cut -c1-160)"
  done | sort -u
}

# Whether the lock is still held right now (flock(1) takes the same flock(2) lock newsdedup takes, and
# drops it at once); without flock(1), assume it is.
still_held() {
  command -v flock >/dev/null 2>&1 || return 0
  ! flock -n "$lockfile" true 2>/dev/null
}

# A slot was skipped: count it, and report a stale holder at once or a live one after max_skips slots.
lock_held() {
  local pid state count=0 first now since openers
  pid=$(lock_pid)
  state=$(holder_state "$pid")
  now=$(date +%s)
  first=$now
  if [[ -r $skipfile ]]; then
    read -r count first _ <"$skipfile" || true
    [[ $count =~ ^[0-9]+$ ]] || count=0
    [[ $first =~ ^[0-9]+$ ]] || first=$now
  fi
  count=$((count + 1))
  printf '%s %s %s\n' "$count" "$first" "${pid:--}" >"$skipfile.tmp" && mv -f "$skipfile.tmp" "$skipfile"
  since=$(date -u -d "@$first" +%Y-%m-%dT%H:%M:%SZ 2>/dev/null || echo "$first")
  if [[ $state == gone || $state == not-newsdedup ]] && still_held; then
    openers=$(lock_openers)
    note "lock on $output held by a stale holder (pid $pid: $state); skipped slot $count in a row"
    {
      if [[ $state == gone ]]; then
        echo "newsdedup: the lock on $output is held, but the run that took it (pid $pid) is gone."
      else
        echo "newsdedup: the lock on $output is held, but its recorded holder (pid $pid) is not a newsdedup process."
      fi
      echo "Orphaned processes of a killed run keep it; every scheduled run is skipped until they end."
      if [[ -n $openers ]]; then
        echo "Processes holding $lockfile:"
        echo "$openers"
      fi
      echo "Skipped $count slot(s) in a row since $since. Stop those processes (kill <pid>) to let runs continue."
    } >&2
    return 75
  fi
  note "previous run still holds the lock (pid ${pid:-unknown}, $state); skipped slot $count in a row (limit $max_skips)"
  if ((count >= max_skips)); then
    {
      echo "newsdedup: the lock on $output has been held across $count consecutive slots since $since (NEWSDEDUP_MAX_SKIPS=$max_skips)."
      echo "Holder: pid ${pid:-unknown} ($state)${pid:+: $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | cut -c1-160)}"
      echo "A run may be hung or far slower than the schedule; see $log."
    } >&2
    return 75
  fi
  return 0
}

# The lock is newsdedup's own (flock on the output folder), so overlapping cron starts are safe:
# the second exits 75 at once without touching anything.
"$bin" run --input "$inbox" --output "$output" --config "$config" \
  --quiet --log-format json >>"$log" 2>&1
rc=$?
if [[ $rc -eq 75 ]]; then
  lock_held
  exit $?
fi
# 0 and 65 wrote outputs, so the lock was free; other failures may come before the lock is tried
[[ $rc -eq 0 || $rc -eq 65 ]] && rm -f "$skipfile"
case $rc in
  0) ;; # success (or nothing new)
  65) echo "newsdedup: too many rejected records; see rejects table in $output" >&2 ;;
  78) echo "newsdedup: bad configuration $config (see $log)" >&2 ;;
  *) echo "newsdedup: failed with exit $rc (see $log)" >&2 ;;
esac
exit $rc
