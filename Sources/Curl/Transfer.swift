import CCurl
import Synchronization

/// One transfer: its libcurl easy handle and the state libcurl's callbacks read and write.
///
/// This is the box handed to C callbacks as their userdata pointer, hence `@unchecked Sendable`.
/// It is safe because of a strict hand-over: the submitting task creates and configures it, then
/// passes it to the loop thread through the loop's `Mutex` (a happens-before edge); from then on
/// only the loop thread touches the handle and the mutable fields (libcurl runs the callbacks on
/// that thread, inside `curl_multi_perform`). The one field other threads touch afterwards is
/// ``isCancelled``, an `Atomic`.
final class Transfer: @unchecked Sendable {
    /// The outcome handed back to the waiting task.
    struct Result: Sendable {
        var status: Int
        var headers: [HTTPHeader]
        var body: [UInt8]
        var lastReply: String?
    }

    let kind: CurlError.TransferKind
    let redactor: Redactor
    let easy: UnsafeMutableRawPointer
    /// The task waiting for this transfer; resumed exactly once, by ``finish(_:)``.
    var continuation: CheckedContinuation<Result, any Error>?

    private let cancelled = Atomic<Bool>(false)
    private let maxBodySize: Int
    private(set) var bodyTooLarge = false
    private var upload: [UInt8]
    private var uploadOffset = 0
    private var headers: [HTTPHeader] = []
    private var body: [UInt8] = []
    private var lastReply: String?
    /// The first SMTP reply with a 4xx or 5xx code: the refusal, not the `221 Bye` after it.
    private(set) var failureReply: String?
    /// Lists libcurl reads during the transfer; freed after the handle.
    var lists: [UnsafeMutablePointer<curl_slist>] = []
    let errorBuffer: UnsafeMutablePointer<CChar>

    /// Wraps a fresh easy handle; fails only when libcurl cannot allocate one.
    init(kind: CurlError.TransferKind, redactor: Redactor, upload: [UInt8], maxBodySize: Int) throws(CurlError) {
        guard let easy = curl_easy_init() else {
            throw CurlError(code: .other, message: "curl_easy_init failed", isRetryable: true)
        }
        self.kind = kind
        self.redactor = redactor
        self.easy = easy
        self.upload = upload
        self.maxBodySize = maxBodySize
        self.errorBuffer = .allocate(capacity: Int(tattle_curl_error_size))
        self.errorBuffer.initialize(repeating: 0, count: Int(tattle_curl_error_size))
    }

    deinit {
        curl_easy_cleanup(easy)
        for list in lists { curl_slist_free_all(list) }
        errorBuffer.deallocate()
    }

    /// Whether the waiting task asked to stop. Read by the progress callback.
    var isCancelled: Bool { cancelled.load(ordering: .acquiring) }

    /// Marks the transfer cancelled; any thread.
    func markCancelled() { cancelled.store(true, ordering: .releasing) }

    /// Resumes the waiting task once; loop thread (or the submitter before hand-over).
    func finish(_ outcome: Swift.Result<Result, CurlError>) {
        guard let continuation else { return }
        self.continuation = nil
        continuation.resume(with: outcome.mapError { $0 as any Error })
    }

    /// The collected response.
    var result: Result { Result(status: 0, headers: headers, body: body, lastReply: lastReply) }

    // MARK: Callback bodies (loop thread)

    /// Appends body bytes; returning less than given makes libcurl fail with `CURLE_WRITE_ERROR`.
    func receiveBody(_ bytes: UnsafeRawBufferPointer) -> Int {
        if body.count + bytes.count > maxBodySize {
            bodyTooLarge = true
            return 0
        }
        body.append(contentsOf: bytes)
        return bytes.count
    }

    /// Records one header line (HTTP) or server reply line (SMTP).
    func receiveHeaderLine(_ bytes: UnsafeRawBufferPointer) -> Int {
        var line = String(decoding: bytes, as: UTF8.self)
        while line.last?.isNewline == true { line.removeLast() }  // "\r\n" is one Character
        switch kind {
        case .mail:
            if !line.isEmpty { lastReply = line }
            if failureReply == nil, let first = line.first, first == "4" || first == "5" { failureReply = line }
        case .http:
            if line.hasPrefix("HTTP/") {
                headers = []  // a new response (after 100 Continue or a proxy CONNECT) starts
            } else if let colon = line.firstIndex(of: ":") {
                let name = String(line[..<colon])
                let value = line[line.index(after: colon)...].trimmingSpaces()
                headers.append(HTTPHeader(name, value))
            }
        }
        return bytes.count
    }

    /// Copies the next upload bytes into libcurl's buffer; 0 signals the end.
    func sendUpload(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        let count = min(buffer.count, upload.count - uploadOffset)
        guard count > 0 else { return 0 }
        upload.withUnsafeBytes { source in
            buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[uploadOffset..<uploadOffset + count]))
        }
        uploadOffset += count
        return count
    }
}

extension Substring {
    /// The text without leading and trailing spaces and tabs.
    func trimmingSpaces() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let start = firstIndex(where: { !isSpace($0) }) else { return "" }
        let end = lastIndex(where: { !isSpace($0) }) ?? start
        return String(self[start...end])
    }
}
