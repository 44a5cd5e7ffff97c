/// Which saved requests a run or a listing takes: those in any of `folders` (each with its sub-folders) that
/// carry any of `tags`. An empty list does not narrow: no folders and no tags take the whole collection.
public struct RequestSelection: Equatable, Sendable {
    public var folders: [String]
    public var tags: [String]

    public init(folders: [String] = [], tags: [String] = []) {
        self.folders = folders
        self.tags = tags
    }

    /// Whether the selection narrows anything.
    public var isEmpty: Bool { folders.isEmpty && tags.isEmpty }

    /// Checks each folder's spelling.
    public func validate() throws(InputError) {
        for folder in folders { try Name.validateFolder(folder) }
    }

    public func matches(_ request: LaunchRequest) -> Bool {
        (folders.isEmpty || folders.contains { Self.contains(folder: $0, request) })
            && (tags.isEmpty || tags.contains { request.tags.contains($0) })
    }

    /// The requests of `collection` this selection takes: folder by folder in the order given (each request
    /// once), in the collection's order within a folder.
    public func select(from collection: [LaunchRequest]) -> [LaunchRequest] {
        guard !folders.isEmpty else { return collection.filter(matches) }
        var taken = Set<String>()
        var selected: [LaunchRequest] = []
        for folder in folders {
            for request in collection where Self.contains(folder: folder, request) && matches(request) {
                if taken.insert(request.name).inserted { selected.append(request) }
            }
        }
        return selected
    }

    private static func contains(folder: String, _ request: LaunchRequest) -> Bool {
        request.folder == folder || request.folder.hasPrefix(folder + "/")
    }
}
