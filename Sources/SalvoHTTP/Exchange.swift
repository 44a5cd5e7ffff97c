import SalvoCore

/// What came of sending one request: a complete answer, or a failure and whether the request may have left.
public enum Exchange: Sendable {
    case answered(status: Int, headers: [PreparedLaunch.Header], body: [UInt8], milliseconds: Double)
    case failed(Failure, milliseconds: Double)

    /// A transport failure, said for people.
    public struct Failure: Error, Sendable, Equatable {
        /// Whether the request may have reached the server.
        public enum Phase: Sendable {
            /// No connection was made: nothing left the machine.
            case notSent
            /// The request may have left: the outcome is unknown.
            case unknown
        }

        public var phase: Phase
        public var message: String
    }
}
