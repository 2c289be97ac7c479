# Sourced by the scripts that test a running Sepadan: starts $SEPADAN_BIN on a free loopback
# port with the demo data in an empty database under a fresh temporary folder, everything that
# would leave the machine kept on it (emails as files, no exchange-rate fetching), and stops it
# and removes the folder on exit. Sets `work`, `base` and `server`; `login EMAIL` prints a demo
# account's access token once the seed has run. Extra `NAME=value` settings go on the server.

work=$(mktemp -d)
server=""
cleanup() {
    if [ -n "$server" ]; then
        kill "$server" 2>/dev/null || true
        wait "$server" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

DEMO_PASSWORD=sepadan-demo-2026
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"

start_demo_server() {
    env SEPADAN__APP__ENVIRONMENT=development \
        SEPADAN__APP__PUBLIC_URL="$base" \
        SEPADAN__APP__LOG_LEVEL=warn \
        SEPADAN__SERVER__PORT="$port" \
        SEPADAN__DATABASE__URL="sqlite://$work/sepadan.db" \
        SEPADAN__EMAIL__FILE_DIR="$work/mail" \
        SEPADAN__STORAGE__URL="file://$work/files" \
        SEPADAN__RATES__REFRESH_IN_SERVER=false \
        SEPADAN__DEMO__SEED_ON_EMPTY=true \
        "$@" \
        "$SEPADAN_BIN" serve >"$work/server.log" 2>&1 &
    server=$!
    for _ in $(seq 1 600); do
        if curl -fsS "$base/readyz" >/dev/null 2>&1; then
            return 0
        fi
        if ! kill -0 "$server" 2>/dev/null; then
            cat "$work/server.log" >&2
            echo "error: the server did not start" >&2
            exit 1
        fi
        sleep 0.2
    done
    echo "error: the server did not answer in time" >&2
    exit 1
}

# The demo seed runs on start; sign-in works once it is done.
login() {
    local email=$1 token
    for _ in $(seq 1 300); do
        token=$(curl -sS -X POST "$base/api/v1/auth/login" -H 'Content-Type: application/json' \
            -d "{\"email\":\"$email\",\"password\":\"$DEMO_PASSWORD\"}" |
            python3 -c 'import json, sys; print(json.load(sys.stdin).get("access_token", ""))' 2>/dev/null || true)
        if [ -n "$token" ]; then
            echo "$token"
            return 0
        fi
        sleep 0.5
    done
    echo "error: could not sign in as $email" >&2
    return 1
}
