import Foundation
import TATSimulator
import TattleApp
import TencentCloud
import Testing

/// `tattle invocations`' logic: option parsing, settings resolution, and output against the simulator.
@Suite("tattle invocations", .timeLimit(.minutes(1)))
struct InvocationsQueryTests {
    @Test(
        "filters parse as name=v1,v2",
        arguments: [
            ("command-id=cmd-1", Filter(name: "command-id", values: ["cmd-1"])),
            ("instance-kind=CVM,LIGHTHOUSE", Filter(name: "instance-kind", values: ["CVM", "LIGHTHOUSE"])),
            (" invocation-id = inv-1 , inv-2 ,", Filter(name: "invocation-id", values: ["inv-1", "inv-2"])),
        ])
    func parseFilter(_ text: String, _ expected: Filter) throws {
        #expect(try InvocationsQuery.parseFilter(text) == expected)
    }

    @Test("malformed filters are rejected", arguments: ["", "command-id", "=x", "command-id=", "command-id=,,"])
    func badFilter(_ text: String) {
        #expect(throws: SettingsError.self) { try InvocationsQuery.parseFilter(text) }
    }

    @Test("option combinations that cannot work are reported before any call")
    func problems() {
        #expect(InvocationsQuery(offset: 5, all: true).problems().count == 1)
        #expect(
            InvocationsQuery(ids: ["inv-1"], filters: [Filter(name: "command-id", values: ["c"])]).problems().count == 1
        )
        #expect(InvocationsQuery(ids: (0..<101).map { "inv-\($0)" }).problems().count == 1)
        #expect(InvocationsQuery(ids: (0..<101).map { "inv-\($0)" }, all: true).problems().isEmpty)
    }

    @Test("settings resolve flag, then environment, then default (the region: left to the metadata service)")
    func settings() throws {
        let defaults = try APISettings.resolve(region: nil, endpoint: nil, language: nil, environment: [:])
        #expect(defaults == APISettings(region: nil, endpoint: .tat, language: nil))
        let environment = ["TENCENTCLOUD_REGION": "ap-beijing", "TATTLE_ENDPOINT": "http://127.0.0.1:9000"]
        let fromEnvironment = try APISettings.resolve(
            region: nil, endpoint: nil, language: "en-US", environment: environment)
        #expect(fromEnvironment.region == "ap-beijing")
        #expect(fromEnvironment.endpoint.hostHeader == "127.0.0.1:9000")
        #expect(fromEnvironment.language == .english)
        let flags = try APISettings.resolve(
            region: "ap-shanghai", endpoint: "https://tat.intl.tencentcloudapi.com", language: nil,
            environment: environment)
        #expect(flags.region == "ap-shanghai")
        #expect(flags.endpoint == .tatInternational)
        #expect(throws: SettingsError.self) {
            try APISettings.resolve(region: nil, endpoint: "nope", language: nil, environment: [:])
        }
        #expect(throws: SettingsError.self) {
            try APISettings.resolve(region: nil, endpoint: nil, language: "fr-FR", environment: [:])
        }
    }

    static func withSimulator(_ body: (TATSimulator, TATClient) async throws -> Void) async throws {
        let simulator = try await TATSimulator(configuration: .init())
        try await simulator.start()
        do {
            let settings = try APISettings.resolve(
                region: "ap-guangzhou", endpoint: await simulator.endpoint, language: nil, environment: [:])
            try await body(simulator, settings.makeClient(credentials: TATSimulator.testCredentials))
            await simulator.stop()
        } catch {
            await simulator.stop()
            throw error
        }
    }

    @Test("one page prints the response as pretty JSON with sorted keys")
    func onePage() async throws {
        try await Self.withSimulator { simulator, client in
            await simulator.seedRetained(count: 30, active: 0)
            let output = try await InvocationsQuery(limit: 5, offset: 2).run(client: client)
            let text = String(decoding: output, as: UTF8.self)
            #expect(text.hasPrefix("{\n"))
            #expect(text.hasSuffix("}\n"))
            let response = try JSONDecoder().decode(DescribeInvocationsResponse.self, from: Data(output))
            #expect(response.totalCount == 30)
            #expect(response.invocationSet.count == 5)
            #expect(response.requestId?.isEmpty == false)
            let keys = text.split(separator: "\n").filter { $0.hasPrefix("  \"") }.map { $0.split(separator: ":")[0] }
            #expect(keys == keys.sorted())
        }
    }

    @Test("--all walks every page; --all with ids batches by 100")
    func all() async throws {
        try await Self.withSimulator { simulator, client in
            await simulator.seedRetained(count: 130, active: 0)
            let output = try await InvocationsQuery(all: true).run(client: client)
            let response = try JSONDecoder().decode(DescribeInvocationsResponse.self, from: Data(output))
            #expect(response.totalCount == 130)
            #expect(Set(response.invocationSet.compactMap(\.invocationId)).count == 130)
            let ids = response.invocationSet.compactMap(\.invocationId)
            await simulator.resetCounts()
            let byIds = try await InvocationsQuery(ids: ids, all: true).run(client: client)
            let again = try JSONDecoder().decode(DescribeInvocationsResponse.self, from: Data(byIds))
            #expect(Set(again.invocationSet.compactMap(\.invocationId)) == Set(ids))
            #expect(await simulator.callCount(actionName: "DescribeInvocations") == 2)
        }
    }

    @Test("API errors surface as <Code>: <Message> (RequestId: …)")
    func apiError() async throws {
        try await Self.withSimulator { simulator, client in
            await simulator.failNext(
                1, with: .apiError(code: "InvalidParameterValue.InvalidInvocationId", message: "bad id"))
            do {
                _ = try await InvocationsQuery(ids: ["inv-zzz"]).run(client: client)
                Issue.record("expected an error")
            } catch let error as APIError {
                #expect("\(error)".hasPrefix("InvalidParameterValue.InvalidInvocationId: bad id (RequestId: "))
            }
        }
    }
}
