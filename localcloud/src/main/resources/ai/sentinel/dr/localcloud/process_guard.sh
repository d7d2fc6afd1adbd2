#!/usr/bin/env bash
# Runs one local server (moto, PostgreSQL, Redis) for a JVM and stops it when that JVM is gone, however it went:
# close(), a normal exit, Ctrl-C, SIGTERM, or SIGKILL (no shutdown hook runs then; our stdin, a pipe from the JVM,
# still reaches end of file). Then it removes the server's temporary directory. See GuardedProcess.java.
#   process_guard.sh STOP_SIGNAL DIR_TO_REMOVE|"" LOG_FILE COMMAND...
# Prints the server's pid on stdout, then nothing else.
set -u
sig=$1
dir=$2
log=$3
shift 3
"$@" </dev/null >>"$log" 2>&1 &
pid=$!
echo "$pid"

stop() {
  trap '' TERM INT HUP
  kill -s "$sig" "$pid" 2>/dev/null
  # a server that ignores its stop signal for 10 s is killed. Polled here, not by a background timer: a timer
  # subshell inherits the ignored TERM above, so it outlived the guard by 10 s and then SIGKILLed a pid that was no
  # longer the server's (bash reaps the exited server, so kill -0 fails as soon as it is gone)
  local tries=0
  while kill -0 "$pid" 2>/dev/null && (( tries < 100 )); do
    sleep 0.1
    tries=$((tries + 1))
  done
  if (( tries == 100 )); then
    kill -KILL "$pid" 2>/dev/null
  fi
  wait "$pid" 2>/dev/null
  if [[ -n "$dir" ]]; then
    rm -rf -- "$dir"
  fi
  exit 0
}
trap stop TERM INT HUP

# whichever comes first: the JVM closed the pipe (or is gone: read meets end of file), or the server exited by itself
# (bash reaps it, kill -0 fails; checked at least every second). Not `wait -n WATCHER PID`: a server that ended
# before wait -n was called was missed, and the guard then waited for the JVM's close (GuardedProcessTest flake).
while kill -0 "$pid" 2>/dev/null; do
  read -r -t 1 _
  rc=$?
  if (( rc >= 1 && rc <= 128 )); then
    break
  fi
done
stop
