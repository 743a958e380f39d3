import Curl
import TestSupport
import Testing

@Suite("HTTP exchanges against a loopback receiver", .timeLimit(.minutes(1)))
struct HTTPExchangeTests {
    @Test("GET reaches the server with its headers and returns the echo")
    func getEcho() async throws {
        let receiver = try await HTTPReceiver(default: .echo).start()
        let client = CurlClient()
        defer { client.shutdown() }

        let response = try await client.execute(
            HTTPRequest(url: receiver.url + "/path/x?q=1&r=two", headers: [HTTPHeader("X-Trace", "abc 123")]))
        await receiver.stop()

        #expect(response.status == 200)
        #expect(response.header("x-echo-method") == "GET")
        #expect(response.header("X-Echo-Target") == "/path/x?q=1&r=two")
        let seen = try #require(receiver.requests.first)
        #expect(seen.method == "GET")
        #expect(seen.path == "/path/x")
        #expect(seen.query == "q=1&r=two")
        #expect(seen.header("x-trace") == "abc 123")
        #expect(seen.header("User-Agent") == "tattle")
        #expect(seen.body.isEmpty)
    }

    @Test("POST and PUT send the body byte for byte", arguments: ["POST", "PUT"])
    func postEcho(method: String) async throws {
        let receiver = try await HTTPReceiver(default: .echo).start()
        let client = CurlClient()
        defer { client.shutdown() }
        let body = Array(#"{"msgtype":"text","text":{"content":"héllo \u0000 wörld"}}"#.utf8) + [0, 255, 10]

        let response = try await client.execute(
            HTTPRequest(
                method: method, url: receiver.url + "/hook",
                headers: [HTTPHeader("Content-Type", "application/json")], body: body))
        await receiver.stop()

        #expect(response.status == 200)
        #expect(response.body == body)
        let seen = try #require(receiver.requests.first)
        #expect(seen.method == method)
        #expect(seen.body == body)
        #expect(seen.header("Content-Type") == "application/json")
        #expect(seen.header("Content-Length") == String(body.count))
        #expect(seen.header("Expect") == nil)
    }

    @Test("Status, headers and body come back as sent, also for 4xx")
    func statusHeadersBody() async throws {
        let receiver = try await HTTPReceiver().start()
        receiver.enqueue(.text(429, "slow down", headers: [HTTPHeader("Retry-After", "7"), HTTPHeader("X-A", "1")]))
        let client = CurlClient()
        defer { client.shutdown() }

        let response = try await client.execute(HTTPRequest(method: "POST", url: receiver.url, body: [1]))
        await receiver.stop()

        #expect(response.status == 429)
        #expect(response.header("retry-after") == "7")
        #expect(response.header("X-A") == "1")
        #expect(response.bodyText == "slow down")
        #expect(receiver.requests.first?.header("Content-Type") == nil)
        #expect(response.isSuccess == false)
    }

    @Test("A redirect is returned, not followed")
    func redirectNotFollowed() async throws {
        let receiver = try await HTTPReceiver().start()
        receiver.enqueue(.status(302, headers: [HTTPHeader("Location", "/elsewhere")]))
        let client = CurlClient()
        defer { client.shutdown() }

        let response = try await client.execute(HTTPRequest(url: receiver.url + "/start"))
        await receiver.stop()

        #expect(response.status == 302)
        #expect(response.header("Location") == "/elsewhere")
        #expect(receiver.requests.map(\.path) == ["/start"])
    }

    @Test("150 concurrent requests all succeed over reused connections")
    func concurrentRequestsReuseConnections() async throws {
        let receiver = try await HTTPReceiver(default: .echo).start()
        let client = CurlClient(configuration: .init(maxConnectionsPerHost: 8))
        defer { client.shutdown() }
        let count = 150

        let bodies = try await withThrowingTaskGroup(of: (Int, String).self) { group in
            for index in 0..<count {
                group.addTask {
                    let request = HTTPRequest(
                        method: "POST", url: receiver.url + "/n/\(index)", body: Array("body-\(index)".utf8))
                    let response = try await client.execute(request)
                    return (index, response.bodyText)
                }
            }
            var results: [Int: String] = [:]
            for try await (index, text) in group { results[index] = text }
            return results
        }
        await receiver.stop()

        #expect(bodies.count == count)
        #expect((0..<count).allSatisfy { bodies[$0] == "body-\($0)" })
        let ports = Set(receiver.requests.compactMap(\.remotePort))
        #expect(receiver.requests.count == count)
        #expect(!ports.isEmpty)
        #expect(ports.count < count, "every request opened its own connection: no keep-alive reuse")
    }
}
