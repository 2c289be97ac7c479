#!/usr/bin/env bash
# The deal room's figures on this machine, against a release build serving the demo data:
#   1. the server's resident memory while a 25 MB document goes up and comes back down (it is
#      streamed, so memory must grow by less than 10 MB);
#   2. the opportunity page's latency at 16 connections (wrk), signed out and as a verified
#      investor, with a dozen documents on every project.
# Needs curl, python3 and wrk (Debian package `wrk`). SEPADAN_BIN picks the binary
# (default target/release/sepadan, built when missing); DURATION the wrk run (default 30s).
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-30s}
if [ -z "${SEPADAN_BIN:-}" ]; then
    cargo build --release --quiet
    SEPADAN_BIN=target/release/sepadan
fi

. scripts/demo-server.sh
start_demo_server
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$server/status"; }

# Samples the server's resident memory every 20 ms while the command runs; prints the peak.
peak_during() {
    local peak=0
    "$@" &
    local job=$!
    while kill -0 "$job" 2>/dev/null; do
        local now
        now=$(rss_kb)
        if [ "$now" -gt "$peak" ]; then peak=$now; fi
        sleep 0.02
    done
    wait "$job"
    echo "$peak"
}

STAFF=$(login staff@demo.sepadan.id)
projects=$(curl -sS "$base/api/v1/projects?per_page=100" |
    python3 -c 'import json, sys; print(" ".join(p["id"] for p in json.load(sys.stdin)["items"]))')
first=${projects%% *}

# 1. A 25 MB document up and down.
python3 - "$work/big.pdf" <<'EOF'
import os, sys
with open(sys.argv[1], "wb") as f:
    f.write(b"%PDF-1.7\n")
    f.write(os.urandom(25 * 1000 * 1000 - 9))
EOF
upload() {
    curl -fsS -o "$work/uploaded.json" -X POST "$base/api/v1/projects/$first/files" \
        -H "authorization: Bearer $STAFF" -F kind=document -F title_en="Feasibility study" \
        -F "file=@$work/big.pdf;type=application/pdf"
}
# Warm the server up with a small upload and download first, so that the figure is the
# transfer's and not the first request's.
head -c 200000 "$work/big.pdf" >"$work/small.pdf"
curl -fsS -o /dev/null -X POST "$base/api/v1/projects/$first/files" -H "authorization: Bearer $STAFF" \
    -F kind=document -F title_en=Warm-up -F "file=@$work/small.pdf;type=application/pdf"
before_up=$(rss_kb)
peak_up=$(peak_during upload)
file=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["id"])' "$work/uploaded.json")
download() {
    curl -fsS -o "$work/downloaded.pdf" "$base/api/v1/projects/$first/files/$file" \
        -H "authorization: Bearer $STAFF"
}
before_down=$(rss_kb)
peak_down=$(peak_during download)
cmp -s "$work/big.pdf" "$work/downloaded.pdf" || { echo "error: the download differs" >&2; exit 1; }
printf '25 MB upload:   resident memory %d KiB before, peak %d KiB: +%d KiB\n' \
    "$before_up" "$peak_up" $((peak_up - before_up))
printf '25 MB download: resident memory %d KiB before, peak %d KiB: +%d KiB\n' \
    "$before_down" "$peak_down" $((peak_down - before_down))

# 2. A dozen documents on every project, then the opportunity page under load.
head -c 50000 "$work/big.pdf" >"$work/doc.pdf"
for project in $projects; do
    for n in $(seq 1 12); do
        confidential=$([ $((n % 3)) -eq 0 ] && echo true || echo false)
        curl -fsS -o /dev/null -X POST "$base/api/v1/projects/$project/files" \
            -H "authorization: Bearer $STAFF" -F kind=document -F confidential="$confidential" \
            -F title_en="Document $n" -F "file=@$work/doc.pdf;type=application/pdf"
    done
done
cookie=$(curl -sS -o /dev/null -D - -X POST "$base/sign-in" -H "origin: $base" \
    --data-urlencode email=investor@demo.sepadan.id --data-urlencode "password=$DEMO_PASSWORD" |
    awk -F'[:;] *' 'tolower($1) == "set-cookie" {print $2; exit}')
printf '\nthe opportunity page, signed out, 16 connections, %s\n' "$DURATION"
wrk -t2 -c16 -d"$DURATION" --latency "$base/opportunities/$first"
printf '\nthe opportunity page as a verified investor (match, readiness, data room), 16 connections, %s\n' "$DURATION"
wrk -t2 -c16 -d"$DURATION" --latency -H "Cookie: $cookie" "$base/opportunities/$first"
