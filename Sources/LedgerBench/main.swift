import Foundation
import SalvoBackends
import SalvoCore
import SalvoStorage

// `make bench`'s benchmark of a backend alone: how many attempts per second the ledger takes in windows of 50,
// each commit carrying the previous window's outcomes with the new attempts (as the run engine's group commit
// does), on the store at the location given (an SQLite path or a postgres:// URL, created or initialized here).
//
//     salvo-ledger-bench STORE [WINDOWS] [WINDOW]
//
// Prints one line: attempts, seconds, attempts per second, ledger entries per second.

let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
    FileHandle.standardError.write(Data("usage: salvo-ledger-bench STORE [WINDOWS] [WINDOW]\n".utf8))
    exit(2)
}
let windows = arguments.count > 2 ? Int(arguments[2]) ?? 200 : 200
let width = arguments.count > 3 ? Int(arguments[3]) ?? 50 : 50
let author = Operator(user: "bench", host: "bench")
let store = try await StoreOpener.open(
    arguments[1], author: author, create: true, initialize: true, environment: ProcessInfo.processInfo.environment)
let environment = Environment(
    name: "bench-\(UUID().uuidString.prefix(8))", baseURL: "http://127.0.0.1:1", token: .variable("BENCH_TOKEN"),
    guardSeconds: 0)
try await store.addEnvironment(environment)
let saved = try await store.environment(named: environment.name)
let run = try await store.startRun(RunStart(kind: .run, environment: saved.name, record: RunRecord()))
let request = LaunchRequest(
    name: "bench", kind: .trigger, method: LaunchRequest.triggerMethod, body: ["id": 1, "email": "{{email}}"])
let ok = LaunchOutcome(
    result: .ok, httpStatus: 200, headers: [.init(name: "Content-Type", value: "application/json")],
    body: #"{"error":0,"error_text":"Successful operation"}"#, durationMilliseconds: 1.5, errorCode: 0,
    errorText: "Successful operation")

var pending: [(attempt: Int64, outcome: LaunchOutcome)] = []
let start = Date()
for window in 0..<windows {
    let attempts = (0..<width).map { index in
        let ordinal = window * width + index + 1
        let body: JSONValue = ["id": 1, "email": .string("user\(ordinal)@example.com")]
        var plan = LaunchPlan.make(
            request: request, body: body, environment: saved, token: "bench-token-0123456789",
            fingerprinter: store.fingerprinter, runID: run, requestID: UUID().uuidString.lowercased(), by: author)
        plan.attempt.ordinal = ordinal
        plan.attempt.iteration = 1
        return plan.attempt
    }
    let ids = try await store.record(outcomes: pending, attempts: attempts)
    pending = ids.map { (attempt: $0, outcome: ok) }
}
_ = try await store.record(outcomes: pending, attempts: [])
let seconds = Date().timeIntervalSince(start)
try await store.finishRun(run, state: .finished)
await store.close()
let attempts = windows * width
print(
    "\(attempts) \(String(format: "%.3f", seconds)) \(Int(Double(attempts) / seconds)) "
        + "\(Int(Double(2 * attempts) / seconds))")
