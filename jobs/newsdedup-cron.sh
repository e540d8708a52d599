#!/usr/bin/env bash
# Cron entrypoint: run newsdedup on the inbox with the deployment config, log, and act on the exit code.
# No logic of its own beyond that; everything else is in the `newsdedup` command.
#
# Environment (all optional):
#   NEWSDEDUP_HOME    checkout with the .venv           (default: this script's repository)
#   NEWSDEDUP_INBOX   where new articles arrive          (default: /srv/news/inbox)
#   NEWSDEDUP_OUTPUT  output folder (tables + state)     (default: /srv/news/newsdedup)
#   NEWSDEDUP_CONFIG  deployment config                  (default: configs/production.toml)
#   NEWSDEDUP_LOG     log file (JSON lines)              (default: /var/log/newsdedup/run.log)
set -uo pipefail
home=${NEWSDEDUP_HOME:-$(cd "$(dirname "$0")/.." && pwd)}
inbox=${NEWSDEDUP_INBOX:-/srv/news/inbox}
output=${NEWSDEDUP_OUTPUT:-/srv/news/newsdedup}
config=${NEWSDEDUP_CONFIG:-$home/configs/production.toml}
log=${NEWSDEDUP_LOG:-/var/log/newsdedup/run.log}
mkdir -p "$(dirname "$log")"

# The lock is newsdedup's own (flock on the output folder), so overlapping cron starts are safe:
# the second exits 75 at once without touching anything.
"$home/.venv/bin/newsdedup" run --input "$inbox" --output "$output" --config "$config" \
    --quiet --log-format json >>"$log" 2>&1
rc=$?
case $rc in
  0)  ;;                                                      # success (or nothing new)
  65) echo "newsdedup: too many rejected records; see rejects table in $output" >&2 ;;
  75) echo "newsdedup: previous run still holds the lock; skipped this slot" >>"$log"; rc=0 ;;
  78) echo "newsdedup: bad configuration $config (see $log)" >&2 ;;
  *)  echo "newsdedup: failed with exit $rc (see $log)" >&2 ;;
esac
exit $rc
