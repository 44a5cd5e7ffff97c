import Foundation
import SalvoCore
import SalvoHTTP

/// A report file written as the run goes, never held in memory.
protocol RunReport: Sendable {
    func add(_ launch: FinishedLaunch)
    func finish(run: Int64, summary: RunSummary) throws
}

/// `--report json=FILE`: `{"run": N, "launches": [...one object per launch...], "summary": {...}}`.
final class JSONRunReport: RunReport, @unchecked Sendable {
    private let file: ReportFile
    private var first = true

    init(path: String, run: Int64) throws {
        file = try ReportFile(path: path)
        file.write("{\"run\":\(run),\"launches\":[\n")
    }

    func add(_ launch: FinishedLaunch) {
        file.write((first ? "" : ",\n") + Self.json(launch).compact)
        first = false
    }

    func finish(run: Int64, summary: RunSummary) throws {
        file.write("\n],\"summary\":\(summary.json.compact)}\n")
        try file.close()
    }

    static func json(_ launch: FinishedLaunch) -> JSONValue {
        let attempt = launch.attempt
        let outcome = launch.outcome
        return [
            "id": .number(String(launch.id)), "ordinal": attempt.ordinal.map { .integer($0) } ?? .null,
            "iteration": attempt.iteration.map { .integer($0) } ?? .null,
            "row": attempt.dataRow.map { .integer($0) } ?? .null, "request": .string(attempt.requestName),
            "environment": .string(attempt.environment), "recipient": .string(attempt.identity.recipient),
            "request_id": .string(attempt.requestID), "tries": .integer(attempt.tryNumber),
            "result": .string(outcome.result.rawValue), "http_status": outcome.httpStatus.map { .integer($0) } ?? .null,
            "error": outcome.errorCode.map { .integer($0) } ?? .null,
            "error_text": outcome.errorText.map { .string($0) } ?? .null,
            "transport_error": outcome.transportError.map { .string($0) } ?? .null,
            "duration_ms": .number(FixedPoint.three(outcome.durationMilliseconds)),
            "duplicate": .bool(outcome.duplicate),
        ]
    }
}

/// `--report junit=FILE`: a testsuite with a testcase per launch, a failure for each launch not ok. Test cases
/// go to a side file as they come; the suite's counts are known only at the end, when the two are joined.
final class JUnitRunReport: RunReport, @unchecked Sendable {
    private let path: String
    private let cases: ReportFile
    private var tests = 0
    private var failures = 0
    private var skipped = 0

    init(path: String) throws {
        self.path = path
        cases = try ReportFile(path: path + ".cases")
    }

    func add(_ launch: FinishedLaunch) {
        let attempt = launch.attempt
        let outcome = launch.outcome
        tests += 1
        let name =
            attempt.requestName + (attempt.dataRow.map { " row \($0)" } ?? "")
            + (attempt.iteration.map { $0 > 1 ? " iteration \($0)" : "" } ?? "")
        var element =
            "    <testcase classname=\"\(Self.escape(attempt.environment)).\(Self.escape(attempt.requestName))\" "
            + "name=\"\(Self.escape(name))\" time=\"\(FixedPoint.three(outcome.durationMilliseconds / 1000))\">"
        switch outcome.result {
        case .ok: break
        case .skipped:
            skipped += 1
            element += "<skipped message=\"\(Self.escape(outcome.transportError ?? "skipped"))\"/>"
        default:
            failures += 1
            let message = [
                outcome.httpStatus.map { "HTTP \($0)" }, outcome.errorText ?? outcome.transportError,
            ].compactMap { $0 }.joined(separator: ": ")
            element += "<failure type=\"\(outcome.result.rawValue)\" message=\"\(Self.escape(message))\"/>"
        }
        cases.write(element + "</testcase>\n")
    }

    func finish(run: Int64, summary: RunSummary) throws {
        try cases.close()
        let output = try ReportFile(path: path)
        output.write("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
        output.write(
            "<testsuites tests=\"\(tests)\" failures=\"\(failures)\" skipped=\"\(skipped)\">\n"
                + "  <testsuite name=\"salvo run \(run)\" tests=\"\(tests)\" failures=\"\(failures)\" errors=\"0\" "
                + "skipped=\"\(skipped)\" time=\"\(FixedPoint.three(summary.seconds))\">\n")
        let reader = try FileBytes(path: path + ".cases")
        while case let chunk = try reader.read(), !chunk.isEmpty { output.write(bytes: chunk) }
        output.write("  </testsuite>\n</testsuites>\n")
        try output.close()
        try? FileManager.default.removeItem(atPath: path + ".cases")
    }

    static func escape(_ text: String) -> String {
        var escaped = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "\n": escaped += "&#10;"
            case _ where scalar.value < 0x20 && scalar != "\t": escaped += "?"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }
}

/// A file written through a buffer.
final class ReportFile: @unchecked Sendable {
    private let handle: FileHandle
    private var buffer = Data()

    init(path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil),
            let handle = FileHandle(forWritingAtPath: path)
        else { throw InputError("cannot write \(path): check that its folder exists and is writable") }
        self.handle = handle
    }

    /// Writes to standard output.
    init() {
        handle = FileHandle.standardOutput
    }

    func write(_ text: String) { write(bytes: Array(text.utf8)) }

    func write(bytes: [UInt8]) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= 65_536 { flush() }
    }

    func close() throws {
        flush()
        try handle.close()
    }

    private func flush() {
        handle.write(buffer)
        buffer.removeAll(keepingCapacity: true)
    }
}
