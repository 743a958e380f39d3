import Testing

@testable import TencentCloud

/// Every documented request limit, checked before sending.
@Suite("Request validation")
struct ValidationTests {
    static func ids(_ count: Int, _ prefix: String = "inv-") -> [String] { (0..<count).map { "\(prefix)\($0)" } }
    static func filters(_ count: Int, name: String = "command-id") -> [Filter] {
        (0..<count).map { Filter(name: name, values: ["cmd-\($0)"]) }
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var invocations: DescribeInvocationsRequest
        var tasks: DescribeInvocationTasksRequest
        var problem: String?
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "empty", invocations: .init(), tasks: .init(), problem: nil),
        Case(
            name: "100 ids", invocations: .init(invocationIds: ids(100)), tasks: .init(invocationTaskIds: ids(100)),
            problem: nil),
        Case(
            name: "101 ids", invocations: .init(invocationIds: ids(101)), tasks: .init(invocationTaskIds: ids(101)),
            problem: "at most 100"),
        Case(
            name: "empty id", invocations: .init(invocationIds: [""]), tasks: .init(invocationTaskIds: [""]),
            problem: "empty id"),
        Case(
            name: "10 filters", invocations: .init(filters: filters(10)), tasks: .init(filters: filters(10)),
            problem: nil),
        Case(
            name: "11 filters", invocations: .init(filters: filters(11)), tasks: .init(filters: filters(11)),
            problem: "at most 10 allowed"),
        Case(
            name: "5 values", invocations: .init(filters: [Filter(name: "command-id", values: ids(5, "cmd-"))]),
            tasks: .init(filters: [Filter(name: "command-id", values: ids(5, "cmd-"))]), problem: nil),
        Case(
            name: "6 values", invocations: .init(filters: [Filter(name: "command-id", values: ids(6, "cmd-"))]),
            tasks: .init(filters: [Filter(name: "command-id", values: ids(6, "cmd-"))]), problem: "at most 5 allowed"),
        Case(
            name: "no values", invocations: .init(filters: [Filter(name: "command-id", values: [])]),
            tasks: .init(filters: [Filter(name: "command-id", values: [])]), problem: "has no values"),
        Case(
            name: "ids with filters", invocations: .init(invocationIds: ["inv-1"], filters: filters(1)),
            tasks: .init(invocationTaskIds: ["invt-1"], filters: filters(1)), problem: "cannot be sent together"),
        Case(
            name: "limit 0", invocations: .init(limit: 0), tasks: .init(limit: 0), problem: "Limit must be 1…100, got 0"
        ),
        Case(name: "limit 1", invocations: .init(limit: 1), tasks: .init(limit: 1), problem: nil),
        Case(name: "limit 100", invocations: .init(limit: 100), tasks: .init(limit: 100), problem: nil),
        Case(name: "limit 101", invocations: .init(limit: 101), tasks: .init(limit: 101), problem: "got 101"),
        Case(name: "offset 0", invocations: .init(offset: 0), tasks: .init(offset: 0), problem: nil),
        Case(
            name: "offset -1", invocations: .init(offset: -1), tasks: .init(offset: -1), problem: "Offset must be ≥ 0"),
        Case(
            name: "unknown filter", invocations: .init(filters: [Filter(name: "status", values: ["FAILED"])]),
            tasks: .init(filters: [Filter(name: "status", values: ["FAILED"])]), problem: "\"status\" is unknown"),
    ]

    @Test("limits apply to both actions", arguments: cases)
    func limits(_ testCase: Case) {
        for problems in [testCase.invocations.problems(), testCase.tasks.problems()] {
            if let expected = testCase.problem {
                #expect(problems.contains { $0.contains(expected) }, "\(problems)")
            } else {
                #expect(problems.isEmpty, "\(problems)")
            }
        }
    }

    @Test(
        "each action knows its own filter names",
        arguments: [
            "invocation-id", "command-id", "command-created-by", "instance-kind", "invocation-task-id", "instance-id",
        ])
    func filterNames(_ name: String) {
        let filter = [Filter(name: name, values: ["x"])]
        let invocationsOK = ["invocation-id", "command-id", "command-created-by", "instance-kind"].contains(name)
        let tasksOK = ["invocation-task-id", "invocation-id", "instance-id", "command-id"].contains(name)
        #expect(DescribeInvocationsRequest(filters: filter).problems().isEmpty == invocationsOK)
        #expect(DescribeInvocationTasksRequest(filters: filter).problems().isEmpty == tasksOK)
    }

    @Test("validate() collects every problem into one ValidationError")
    func collectsAll() throws {
        let request = DescribeInvocationsRequest(
            invocationIds: Self.ids(101), filters: Self.filters(11), limit: 0, offset: -5)
        let error = #expect(throws: ValidationError.self) { try request.validate() }
        #expect(error?.action == "DescribeInvocations")
        #expect((error?.problems.count ?? 0) >= 4)
        #expect(error?.description.hasPrefix("invalid DescribeInvocations request: ") == true)
        #expect(throws: Never.self) { try DescribeInvocationTasksRequest(limit: 50, hideOutput: false).validate() }
    }
}
