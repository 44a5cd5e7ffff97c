import ArgumentParser
import Foundation
import SalvoCore

/// The flags that build a trigger launch (`campaigns/triggers/start`).
struct TriggerOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "The trigger mailing's number (shown after # in the platform), or a {{variable}}.", valueName: "id"))
    var trigger: String?

    @Option(help: ArgumentHelp("Find the profile by email.", valueName: "email")) var email: String?
    @Option(help: ArgumentHelp("Find the profile by phone, e.g. +79000000000 (kept as text).", valueName: "phone"))
    var phone: String?
    @Option(name: .customLong("profile-id"), help: ArgumentHelp("Find the profile by its id.", valueName: "id"))
    var profileID: String?
    @Option(
        help: ArgumentHelp("Find the profile by a unique custom field, e.g. CRM_ID=12345.", valueName: "name=value"))
    var field: String?
    @Option(
        help: ArgumentHelp(
            "Launch for the profiles a database query selects (custom_request), e.g. '{\"email\":{\"$in\":[...]}}'.",
            valueName: "json")) var query: String?

    @Option(name: .customLong("resource-id"), help: ArgumentHelp("The resource used for matching.", valueName: "n"))
    var resourceID: String?
    @Option(
        name: .customLong("subscription-filter"),
        help: ArgumentHelp("Which subscription receives it, as a JSON object.", valueName: "json"))
    var subscriptionFilter: String?
    @Option(
        name: .customLong("content"),
        help: ArgumentHelp(
            "A template variable for the message, {apicontent.KEY} (repeatable).", valueName: "key=value"))
    var contentValues: [String] = []
    @Option(
        name: .customLong("content-json"), help: ArgumentHelp("The whole content object as JSON.", valueName: "json"))
    var contentJSON: String?
    @Option(
        name: .customLong("custom-data"),
        help: ArgumentHelp("Data for the platform's action hooks, as a JSON object.", valueName: "json"))
    var customData: String?
    @Option(
        name: .customLong("attach"),
        help: ArgumentHelp("Attach a file (repeatable; replaces earlier attachments).", valueName: "file"))
    var attachments: [String] = []

    /// The recipient flags that were given, by name.
    var recipientFlags: [String] {
        [("--email", email), ("--phone", phone), ("--profile-id", profileID), ("--field", field), ("--query", query)]
            .compactMap { $0.1 == nil ? nil : $0.0 }
    }

    var isGiven: Bool {
        trigger != nil || !recipientFlags.isEmpty || resourceID != nil || subscriptionFilter != nil
            || !contentValues.isEmpty || contentJSON != nil || customData != nil || !attachments.isEmpty
    }

    func validate() throws {
        guard recipientFlags.count <= 1 else {
            throw ValidationError("give one recipient: \(recipientFlags.joined(separator: " and ")) cannot go together")
        }
    }

    /// The body changes the flags ask for, each value checked.
    func changes() throws -> TriggerBody.Changes {
        var changes = TriggerBody.Changes()
        changes.trigger = trigger
        if let email { changes.recipient = .email(email) }
        if let phone { changes.recipient = .phone(phone) }
        if let profileID { changes.recipient = .profileID(profileID) }
        if let field { changes.recipient = try Recipient.field(field) }
        if let query { changes.recipient = .query(try FlagParsing.jsonObject(query, flag: "--query")) }
        changes.resourceID = resourceID
        changes.subscriptionFilter = try subscriptionFilter.map { text throws(InputError) in
            try FlagParsing.jsonObject(text, flag: "--subscription-filter")
        }
        changes.contentObject = try contentJSON.map { text throws(InputError) in
            try FlagParsing.jsonObject(text, flag: "--content-json")
        }
        changes.contentValues = try contentValues.map { text throws(InputError) in
            try FlagParsing.keyValue(text, flag: "--content")
        }
        changes.customData = try customData.map { text throws(InputError) in
            try FlagParsing.jsonObject(text, flag: "--custom-data")
        }
        if !attachments.isEmpty {
            changes.attachments = try attachments.map { path throws(InputError) in
                Attachment.json(
                    name: (path as NSString).lastPathComponent,
                    contents: try FlagParsing.readData(path, flag: "--attach"))
            }
        }
        return changes
    }
}
