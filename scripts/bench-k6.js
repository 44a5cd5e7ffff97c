// make bench's k6 reference: the same trigger launch salvo sends, one per row of the same data file, no ledger.
//   DATA      the CSV file (a header line, then one e-mail address per line)
//   URL       the sandbox's launch route
//   BENCH_TOKEN  the sandbox's token (from the environment, never on a command line)
//   VUS       virtual users (32 for throughput, 1 for sequential latency)
import http from 'k6/http';
import exec from 'k6/execution';
import { SharedArray } from 'k6/data';

const rows = new SharedArray('rows', () => open(__ENV.DATA).split('\n').slice(1).filter((line) => line.length > 0));

export const options = {
    scenarios: {
        rows: {
            executor: 'shared-iterations',
            vus: Number(__ENV.VUS),
            iterations: rows.length,
            maxDuration: '30m',
        },
    },
    discardResponseBodies: false,
    summaryTrendStats: ['avg', 'med', 'p(95)', 'max'],
};

export default function () {
    const index = exec.scenario.iterationInTest;
    const body = JSON.stringify({ token: __ENV.BENCH_TOKEN, id: 1, matching: 'email', email: rows[index] });
    http.post(__ENV.URL, body, {
        headers: { 'Content-Type': 'application/json', 'Request-ID': `k6-${exec.vu.idInTest}-${index}` },
    });
}
