import ArgumentParser
import Foundation
import TattleApp
import TencentCloud

/// `tattle invocations`: query TAT `DescribeInvocations` and print the response as JSON.
struct InvocationsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "invocations",
        abstract: "List TAT invocations (DescribeInvocations) as JSON.",
        discussion: """
            Credentials come from TENCENTCLOUD_SECRET_ID, TENCENTCLOUD_SECRET_KEY and, for temporary keys, \
            TENCENTCLOUD_SESSION_TOKEN. The response is printed as pretty JSON with sorted keys; errors go to \
            stderr as "error: <Code>: <Message> (RequestId: …)" and the exit status is non-zero. Transient \
            failures (rate limit, internal errors, 5xx, network) are retried up to 4 attempts.

            Filters (AND between filters, OR between the values of one): invocation-id, command-id, \
            command-created-by (TAT|USER), instance-kind (CVM|LIGHTHOUSE). At most 10 filters of 5 values \
            each; --id and --filter cannot be combined.

            Examples:
              tattle invocations --limit 5
              tattle invocations --id inv-abcd1234 --id inv-efgh5678
              tattle invocations --filter command-id=cmd-12345678 --filter instance-kind=CVM --all
              tattle invocations --region ap-shanghai --endpoint http://127.0.0.1:8080 --all
            """
    )

    @OptionGroup var api: APIOptions

    @Option(name: .customLong("id"), help: "An invocation id (inv-…); repeat for more (at most 100 without --all).")
    var ids: [String] = []

    @Option(name: .customLong("filter"), help: "A filter name=v1,v2; repeat for more.")
    var filters: [String] = []

    @Option(help: "Page size, 1…100. Default: 20 for one page, 100 with --all.")
    var limit: Int?

    @Option(help: "Page offset, ≥ 0. Default 0. Not with --all.")
    var offset: Int?

    @Flag(help: "Walk every page and print all invocations.")
    var all = false

    func query() throws -> InvocationsQuery {
        let parsed = try filters.map { text in
            do { return try InvocationsQuery.parseFilter(text) } catch {
                throw ArgumentParser.ValidationError("\(error)")
            }
        }
        return InvocationsQuery(ids: ids, filters: parsed, limit: limit, offset: offset, all: all)
    }

    mutating func validate() throws {
        let problems = try query().problems()
        if !problems.isEmpty { throw ArgumentParser.ValidationError(problems.joined(separator: "; ")) }
    }

    func run() async throws {
        let query = try query()
        let settings: APISettings
        do { settings = try await api.settings().resolvingRegion() } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(2)
        }
        do {
            let credentials = try await APISettings.credentialProvider(endpoint: settings.endpoint)
            let output = try await query.run(client: settings.makeClient(credentialProvider: credentials))
            FileHandle.standardOutput.write(Data(output))
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }
}
