/// One server-sent event, as the EventSource standard frames it: a line per field, the data
/// on `data:` lines (one per line of it), a blank line to end it.
enum ServerSentEvent {
    static func text(event: String, data: String) -> String {
        "event: \(event)\n" + data.split(separator: "\n", omittingEmptySubsequences: false).map { "data: \($0)\n" }.joined() + "\n"
    }
}
