import Curl
import TestSupport
import Testing

@Suite("The shared loopback test servers", .timeLimit(.minutes(1)))
struct TestSupportTests {
    @Test("A Python script with a missing module fails the test with the pip hint")
    func missingModuleFails() async throws {
        do {
            let server = try await PythonServer.start(script: "missing_module_probe.py")
            server.stop()
            Issue.record("the probe started although its module is missing")
        } catch let error as TestSupportError {
            #expect(error.description.contains("pip install -r Tests/python/requirements.txt"))
            #expect(error.description.contains("tattle_module_that_is_never_installed"))
        }
    }

    @Test("HTTPReceiver plays queued behaviours in order, then the default")
    func behaviourQueue() async throws {
        let receiver = try await HTTPReceiver(default: .text(200, "default")).start()
        receiver.enqueue(
            .json(503, #"{"errcode":-1}"#),
            .dynamic { request in .text(201, "saw \(request.bodyText)") })
        let client = CurlClient()
        defer { client.shutdown() }

        var statuses: [Int] = []
        var bodies: [String] = []
        for index in 0..<3 {
            let response = try await client.execute(
                HTTPRequest(method: "POST", url: receiver.url + "/hook?i=\(index)", body: Array("b\(index)".utf8)))
            statuses.append(response.status)
            bodies.append(response.bodyText)
        }
        let requests = try await receiver.waitForRequests(count: 3)
        await receiver.stop()

        #expect(statuses == [503, 201, 200])
        #expect(bodies == [#"{"errcode":-1}"#, "saw b1", "default"])
        #expect(requests.map(\.query) == ["i=0", "i=1", "i=2"])
        #expect(requests.map(\.bodyText) == ["b0", "b1", "b2"])
    }

    @Test("waitForRequests reports how many arrived when too few do")
    func waitTimesOut() async throws {
        let receiver = try await HTTPReceiver().start()

        await #expect(throws: TestSupportError.self) {
            try await receiver.waitForRequests(count: 1, timeout: .milliseconds(50))
        }
        await receiver.stop()
        #expect(receiver.requests.isEmpty)
    }
}
