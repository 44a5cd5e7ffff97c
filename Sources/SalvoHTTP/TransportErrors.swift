import AsyncHTTPClient
import Foundation
import NIOCore
import NIOPosix

/// Turns AsyncHTTPClient's and SwiftNIO's errors into a message people can act on, and says whether the
/// request may have left the machine. When in doubt the answer is "unknown": a retry with the same
/// Request-ID is safe, a wrong "not sent" is not.
enum TransportErrors {
    static func describe(_ error: any Error, url: String, timeout: Duration) -> Exchange.Failure {
        let target = Self.target(of: url)
        if let error = error as? HTTPClientError {
            if error == .connectTimeout {
                return .init(phase: .notSent, message: "could not connect to \(target) (timed out)")
            }
            if error == .deadlineExceeded || error == .readTimeout {
                return .init(
                    phase: .unknown, message: "no complete answer from \(target) within \(timeout) (timed out)")
            }
            if error == .remoteConnectionClosed {
                return .init(phase: .unknown, message: "\(target) closed the connection before answering")
            }
            if error == .invalidURL || error == .emptyHost || error == .emptyScheme {
                return .init(phase: .notSent, message: "the URL \(url) cannot be used (\(error))")
            }
            return .init(phase: .unknown, message: "the request to \(target) failed: \(error)")
        }
        if let error = error as? NIOConnectionError {
            return .init(phase: .notSent, message: "could not connect to \(target) (\(reason(of: error)))")
        }
        if let error = error as? IOError {
            return .init(
                phase: .notSent,
                message: "could not connect to \(target) (\(String(cString: strerror(error.errnoCode))))")
        }
        if let error = error as? ChannelError, case .connectTimeout = error {
            return .init(phase: .notSent, message: "could not connect to \(target) (timed out)")
        }
        if String(describing: type(of: error)).contains("SSL") || "\(error)".contains("handshake") {
            return .init(phase: .notSent, message: tls(error, target: target))
        }
        if let error = error as? ChannelError, case .ioOnClosedChannel = error {
            return .init(phase: .unknown, message: "\(target) closed the connection before answering")
        }
        return .init(phase: .unknown, message: "the request to \(target) failed: \(error)")
    }

    /// A TLS failure said plainly: a plain-HTTP port, an untrusted certificate, else BoringSSL's reason alone
    /// (without the library's source path).
    static func tls(_ error: any Error, target: String) -> String {
        let text = "\(error)"
        if text.contains("WRONG_VERSION_NUMBER") || text.contains("HTTP_REQUEST") {
            return "the server at \(target) does not speak TLS; use http:// in the environment's base URL"
        }
        if text.contains("CERTIFICATE") || text.contains("certificate") {
            return "the certificate of \(target) is not trusted; for a self-signed on-premise host, "
                + "`salvo env edit NAME --insecure`"
        }
        let reason =
            text.firstMatch(of: /OPENSSL_internal:([A-Z_]+)/).map { String($0.1).lowercased() } ?? "handshake failed"
        return "TLS with \(target) failed (\(reason.replacing("_", with: " ")))"
    }

    private static func reason(of error: NIOConnectionError) -> String {
        if error.dnsAError != nil || error.dnsAAAAError != nil, error.connectionErrors.isEmpty {
            return "the host name could not be resolved"
        }
        if let first = error.connectionErrors.first?.error {
            if let io = first as? IOError { return String(cString: strerror(io.errnoCode)).lowercased() }
            return "\(first)"
        }
        return "no address to connect to"
    }

    /// `host:port` of a URL, for messages.
    static func target(of url: String) -> String {
        guard let components = URLComponents(string: url), let host = components.host else { return url }
        let port = components.port ?? (components.scheme == "https" ? 443 : 80)
        return "\(host):\(port)"
    }
}
