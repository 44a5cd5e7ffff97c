extension PostmanCollection {
    /// Reads a v2.0 or v2.1 collection. POSTs to `.../api/v1.1/METHOD` with a raw JSON body become requests
    /// (`{{variables}}` kept, bare ones such as `"id": {{trigger}}` quoted); folders stay folders; a
    /// `base_url` collection variable makes an environment named after the collection that holds the other
    /// variables, the file's default. A request that names its host (`https://host/api/v1.1/...`) keeps it: it
    /// goes to an environment made for that host, which the import reports. Everything else is listed as
    /// skipped with the reason.
    static func read(_ root: JSONCursor) throws(InputError) -> ImportBundle {
        guard let info = try root["info"]?.object() else {
            throw InputError("$.info is missing: a Postman collection starts with \"info\": {\"name\", \"schema\"}")
        }
        let collectionName = try info.required("name").string()
        if let schema = try info["schema"]?.string(), !schema.contains("/v2.0") && !schema.contains("/v2.1") {
            throw InputError(
                "\(info.path).schema is \(schema); salvo reads Postman collections v2.0 and v2.1 "
                    + "(export the collection from Postman as v2.1)")
        }
        var reader = Reader(bundle: ImportBundle(format: .postmanCollection))
        reader.skipScripts(of: root, item: "the collection")
        var auth = AuthPlacement.body
        if let block = root["auth"] {
            switch try block.required("type").string() {
            case "bearer": auth = .bearer
            case "noauth": break
            case let other: reader.skip("the collection", "its \(other) auth: salvo places the token itself")
            }
        }
        for item in try root.required("item").array() { try reader.readItem(item, folder: []) }
        try reader.readVariables(root["variable"]?.array() ?? [], collection: collectionName, auth: auth)
        return reader.bundle
    }

    private struct Reader {
        var bundle: ImportBundle
        var requestNames = UniqueNames()
        /// The environments made for hosts requests name, by base URL.
        var hostEnvironments: [String: String] = [:]

        mutating func skip(_ item: String, _ reason: String) {
            bundle.skipped.append(.init(item: item, reason: reason))
        }

        mutating func skipScripts(of item: JSONCursor, item label: String) {
            for event in (try? item["event"]?.array()) ?? [] {
                let kind = (try? event["listen"]?.string()) ?? "event"
                skip(label, "its \(kind) script: salvo does not run scripts")
            }
        }

        mutating func readItem(_ item: JSONCursor, folder: [String]) throws(InputError) {
            let title = try item.required("name").string()
            let label = ((folder + [title]).joined(separator: "/")) + " (\(item.path))"
            if let children = item["item"] {
                skipScripts(of: item, item: label)
                let part = bundle.name(from: title) ?? "folder"
                for child in try children.array() { try readItem(child, folder: folder + [part]) }
                return
            }
            guard let request = item["request"] else {
                throw item.error("an item must hold \"request\" (a request) or \"item\" (a folder)")
            }
            skipScripts(of: item, item: label)
            do {
                var launch = try readRequest(request, label: label)
                launch.name = requestNames.claim(bundle.name(from: title) ?? "request")
                launch.folder = folder.joined(separator: "/")
                do {
                    try launch.validate()
                } catch {
                    throw Skip(error.message)
                }
                bundle.requests.append(.init(request: launch, source: item.path))
            } catch let skipped as Skip {
                skip(label, skipped.reason)
            } catch let error as InputError {
                throw error
            } catch {
                throw item.error("\(error)")
            }
        }

        /// The request an item holds; throws `Skip` when salvo cannot keep it, `InputError` when the file is
        /// malformed.
        private mutating func readRequest(_ request: JSONCursor, label: String) throws -> LaunchRequest {
            if case .string = request.value { throw Skip("a GET of a URL: salvo launches API methods with POST") }
            let request = try request.object()
            let verb = try request["method"]?.string() ?? "GET"
            guard verb.uppercased() == "POST" else {
                throw Skip("a \(verb) request: salvo launches API methods with POST and a JSON body")
            }
            let (method, host) = try apiMethod(try request.required("url"))
            guard let body = request["body"] else { throw Skip("no body: salvo launches need a JSON body") }
            let mode = try body.required("mode").string()
            guard mode == "raw" else { throw Skip("a \(mode) body: salvo sends JSON bodies only") }
            var json: JSONValue
            do {
                json = try JSONParser.parse(Self.quotingBareVariables(try body.required("raw").string()))
            } catch let error as JSONSyntaxError {
                throw Skip("the body is not JSON (\(error))")
            }
            guard json.members != nil else { throw Skip("the body is \(json.typeName), not a JSON object") }
            json = json.removing(["token"])
            for header in try request["header"]?.array() ?? [] where try header["disabled"]?.bool() != true {
                let key = try header.required("key").string()
                if !["content-type", "authorization", "request-id"].contains(key.lowercased()) {
                    skip(label, "its header \(key): salvo sends its own headers")
                }
            }
            var launch = LaunchRequest(
                name: "request", kind: method == LaunchRequest.triggerMethod ? .trigger : .method, method: method,
                body: json)
            for line in try description(request["description"]).split(separator: "\n") {
                if line.hasPrefix(PostmanCollection.tagsLine) {
                    launch.tags = line.dropFirst(PostmanCollection.tagsLine.count).split(separator: ",")
                        .compactMap { Name.sanitized(String($0)) }.sorted()
                } else if line.hasPrefix(PostmanCollection.environmentLine) {
                    launch.environment = String(line.dropFirst(PostmanCollection.environmentLine.count))
                }
            }
            if let host, launch.environment == nil { launch.environment = try environment(forHost: host, label: label) }
            return launch
        }

        /// The environment for requests sent to `baseURL` (a host the request names, not `{{base_url}}`): made on
        /// first use, named after the host, reading its token from `$SALVO_TOKEN` until one is given; the import
        /// reports it.
        private mutating func environment(forHost baseURL: String, label: String) throws -> String {
            let normalized: String
            do {
                normalized = try BaseURL.normalize(baseURL)
            } catch {
                throw Skip("its URL's host \(baseURL) is not a base URL salvo can use (\(error.message))")
            }
            if let name = hostEnvironments[normalized] { return name }
            let host = normalized.split(separator: "/", omittingEmptySubsequences: true).dropFirst().first ?? ""
            let name = Name.sanitized(String(host)) ?? "host"
            hostEnvironments[normalized] = name
            bundle.environments.append(
                .init(
                    environment: Environment(
                        name: name, baseURL: normalized, token: .variable(ImportBundle.defaultTokenVariable)),
                    tokenGiven: false, source: label, madeForHost: true))
            return name
        }

        /// The API method of a request URL (what follows `/api/v1.1/`, without a query or trailing slash), and the
        /// base URL before it when the URL names a host rather than a `{{variable}}`.
        private func apiMethod(_ url: JSONCursor) throws -> (method: String, host: String?) {
            let raw: String
            if case .string(let text) = url.value {
                raw = text
            } else if let text = try url.object()["raw"]?.string() {
                raw = text
            } else {
                let path = try url["path"]?.array().map { try $0.string() } ?? []
                raw = "/" + path.joined(separator: "/")
            }
            guard let range = raw.range(of: LaunchBuilder.apiPath) else {
                throw Skip("\(raw) is not an Altcraft API method (no \(LaunchBuilder.apiPath) in the URL)")
            }
            var method = raw[range.upperBound...].prefix { $0 != "?" && $0 != "#" }
            while method.hasSuffix("/") { method = method.dropLast() }
            do {
                try LaunchRequest.validateMethod(String(method))
            } catch {
                throw Skip(error.message)
            }
            let prefix = String(raw[..<range.lowerBound])
            let named = !prefix.contains("{{") && (prefix.hasPrefix("http://") || prefix.hasPrefix("https://"))
            return (String(method), named ? prefix : nil)
        }

        private func description(_ value: JSONCursor?) throws(InputError) -> String {
            guard let value else { return "" }
            if case .string(let text) = value.value { return text }
            return try value.object()["content"]?.string() ?? ""
        }

        mutating func readVariables(_ variables: [JSONCursor], collection: String, auth: AuthPlacement)
            throws(InputError)
        {
            var baseURL: String?
            var token: String?
            var others: [(key: String, value: String, label: String)] = []
            for variable in variables where try variable["disabled"]?.bool() != true {
                let key = try variable.required("key").string()
                let value: String
                switch variable["value"]?.value {
                case .string(let text)?: value = text
                case nil: value = ""
                case let other?: value = other.compact
                }
                switch key {
                case "base_url", "baseUrl": baseURL = value
                case "token": token = value
                default: others.append((key, value, "variable \(key) (\(variable.path))"))
                }
            }
            guard let baseURL, !baseURL.isEmpty, !baseURL.contains("{{") else {
                for other in others { skip(other.label, "no base_url variable: no environment to hold it") }
                return
            }
            let name = bundle.name(from: collection) ?? "postman"
            var environment = Environment(
                name: name, baseURL: baseURL, token: .variable(ImportBundle.defaultTokenVariable), auth: auth)
            let tokenGiven = token.map { !$0.isEmpty && !$0.contains("{{") } ?? false
            if tokenGiven, let token { environment.token = .stored(token) }
            for other in others {
                guard Template.isVariableName(other.key) else {
                    skip(
                        other.label,
                        "not a variable name salvo can use (a letter or _ first, then letters, digits, _ . -)")
                    continue
                }
                environment.variables[other.key] = other.value
            }
            do {
                environment.baseURL = try BaseURL.normalize(baseURL)
                try environment.validate()
            } catch {
                throw InputError("the collection's base_url variable: \(error.message)")
            }
            bundle.environments.append(
                .init(environment: environment, tokenGiven: tokenGiven, source: "$.variable"))
            bundle.defaultEnvironment = name
        }

        /// `raw` with every `{{variable}}` that stands outside a JSON string put in quotes, so a body Postman
        /// fills before sending (`"id": {{trigger}}`) parses as JSON.
        static func quotingBareVariables(_ raw: String) -> String {
            var output = ""
            var inString = false
            var escaped = false
            var index = raw.startIndex
            while index < raw.endIndex {
                let character = raw[index]
                if inString {
                    if escaped {
                        escaped = false
                    } else if character == "\\" {
                        escaped = true
                    } else if character == "\"" {
                        inString = false
                    }
                } else if character == "\"" {
                    inString = true
                } else if raw[index...].hasPrefix("{{"), let close = raw[index...].range(of: "}}") {
                    output += "\"" + raw[index..<close.upperBound] + "\""
                    index = close.upperBound
                    continue
                }
                output.append(character)
                index = raw.index(after: index)
            }
            return output
        }
    }

    /// Why a request is left out.
    private struct Skip: Error {
        let reason: String
        init(_ reason: String) { self.reason = reason }
    }
}
