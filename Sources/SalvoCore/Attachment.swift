import Foundation

/// A file attached to a launch, in the platform's form `{"name": "a.txt", "data": "data:text/plain;base64,..."}`.
public enum Attachment {
    /// The attachment object for a file's name and contents.
    public static func json(name: String, contents: Data) -> JSONValue {
        .object([
            .init("name", .string(name)),
            .init("data", .string("data:\(mediaType(for: name));base64,\(contents.base64EncodedString())")),
        ])
    }

    /// The media type guessed from the file's extension; unknown ones are `application/octet-stream`.
    public static func mediaType(for name: String) -> String {
        let types = [
            "txt": "text/plain", "csv": "text/csv", "html": "text/html", "htm": "text/html", "json": "application/json",
            "xml": "application/xml", "pdf": "application/pdf", "png": "image/png", "jpg": "image/jpeg",
            "jpeg": "image/jpeg", "gif": "image/gif", "svg": "image/svg+xml", "zip": "application/zip",
            "ics": "text/calendar",
        ]
        let ext = (name as NSString).pathExtension.lowercased()
        return types[ext] ?? "application/octet-stream"
    }
}
