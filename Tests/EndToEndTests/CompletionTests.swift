import Foundation
import Testing

/// Shell completion as a user gets it: the generated bash script, sourced by bash, completing while they type.
@Suite("Shell completion of names", .timeLimit(.minutes(5)))
struct CompletionTests {
    @Test("bash completes request, environment and folder names, run ids and --status values from the store")
    func bash() async throws {
        let sandbox = try await TestSandbox.start()
        defer { Task { await sandbox.stop() } }
        let work = try Workspace()
        try await work.addEnvironment("staging", url: sandbox.url)
        try await work.addRequest(
            "welcome", "--trigger", "1", "--email", "a@example.com", "--folder", "onboarding/day1")
        try await work.addRequest("winback", "--trigger", "1", "--email", "b@example.com", "--tag", "vip")
        #expect(try await work.salvo("send", "welcome").status == 0)
        let script = try await work.salvo("--generate-completion-script", "bash")
        #expect(script.status == 0)
        try script.stdout.write(toFile: work.folder + "/salvo.bash", atomically: true, encoding: .utf8)
        // What bash does on Tab: fills COMP_* for the line and calls the completion function.
        let lines = [
            "send w", "send --env st", "run --folder onb", "run --tag ", "runs show ", "history --status un",
            "report ", "send welcome --store \(work.store) --env ",
        ]
        let harness = """
            source \(work.folder)/salvo.bash
            complete_line() {
                COMP_LINE="$1"; read -ra COMP_WORDS <<< "$1"; [[ "$1" == *" " ]] && COMP_WORDS+=("")
                COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 )); COMP_POINT=${#COMP_LINE}; COMPREPLY=()
                _salvo "${COMP_WORDS[0]}" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
                echo "$(IFS=,; echo "${COMPREPLY[*]}")"
            }
            """ + lines.map { "\ncomplete_line '\(Workspace.binary) \($0)'" }.joined()
        let completed = try await work.run(["-c", harness], binary: "/bin/bash")
        #expect(completed.status == 0, "\(completed)")
        let answers = completed.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(
            Array(answers.prefix(lines.count)) == [
                "winback,welcome", "staging", "onboarding,onboarding/day1", "vip", "1", "unknown", "1", "staging",
            ], "\(completed)")
        let missing = try await work.run(
            ["-c", harness], env: ["SALVO_STORE": work.folder + "/none.db"], binary: "/bin/bash")
        #expect(missing.stdout.hasPrefix("\n") && !missing.stdout.contains("welcome"), "no store: no names")
        #expect(!FileManager.default.fileExists(atPath: work.folder + "/none.db"), "completion creates no store")
    }

    @Test("zsh and fish scripts ask salvo for the same names")
    func otherShells() async throws {
        let work = try Workspace()
        for shell in ["zsh", "fish"] {
            let script = try await work.salvo("--generate-completion-script", shell)
            #expect(script.status == 0 && script.stdout.contains("---completion send -- positional@0"), "\(shell)")
        }
    }
}
