/// The two API queries over the fleet: filter, order newest first by CreatedTime (then id), then page.
///
/// Well-formed ids that do not exist (never created, or removed as by retention) are simply absent from
/// the result and from `TotalCount`, with no error: the undocumented case of tat-api.md §6.
extension Fleet {
    /// The invocations matching a DescribeInvocations query: the total and the requested page.
    func invocations(for query: DescribeQuery) -> (total: Int, page: [FleetInvocation]) {
        if query.ids == nil, query.filters.isEmpty {
            // The polling hot path (paging everything): slice the order index, no full copy.
            let page = order.reversed().dropFirst(query.offset).prefix(query.limit).compactMap { invocations[$0.id] }
            return (order.count, Array(page))
        }
        let candidates: [FleetInvocation]
        if let ids = query.ids {
            candidates = newestFirst(ids.compactMap { invocations[$0] })
        } else if let ids = query.values(of: "invocation-id") {
            candidates = newestFirst(ids.compactMap { invocations[$0] })
        } else {
            candidates = Array(newestFirst)
        }
        let matching = candidates.filter { invocation in
            query.filters.allSatisfy { filter in
                switch filter.name {
                case "invocation-id": filter.values.contains(invocation.id)
                case "command-id": filter.values.contains(invocation.commandId)
                case "command-created-by": filter.values.contains("USER")
                case "instance-kind": filter.values.contains(invocation.instanceKind)
                default: false
                }
            }
        }
        return (matching.count, Array(matching.dropFirst(query.offset).prefix(query.limit)))
    }

    /// The tasks matching a DescribeInvocationTasks query (with their invocations): total and page.
    /// Tasks are ordered by their invocation, newest first, then in the invocation's task order.
    func tasks(for query: DescribeQuery) -> (total: Int, page: [(FleetInvocation, FleetTask)]) {
        var pairs: [(FleetInvocation, FleetTask)] = []
        if let ids = query.ids ?? query.values(of: "invocation-task-id") {
            let wanted = Set(ids)
            let owners = newestFirst(Set(ids.compactMap { owner(ofTask: $0)?.id }).compactMap { invocations[$0] })
            for invocation in owners {
                for task in invocation.tasks where wanted.contains(task.id) { pairs.append((invocation, task)) }
            }
        } else if query.filters.isEmpty {
            // No filter: walk newest first, skipping `offset` tasks without copying the rest.
            var skipped = 0
            var page: [(FleetInvocation, FleetTask)] = []
            for invocation in newestFirst where page.count < query.limit {
                if skipped + invocation.tasks.count <= query.offset {
                    skipped += invocation.tasks.count
                    continue
                }
                for task in invocation.tasks.dropFirst(query.offset - skipped) where page.count < query.limit {
                    page.append((invocation, task))
                }
                skipped = query.offset
            }
            return (taskOwners.count, page)
        } else {
            let owners: [FleetInvocation]
            if let ids = query.values(of: "invocation-id") {
                owners = newestFirst(ids.compactMap { invocations[$0] })
            } else {
                owners = Array(newestFirst)
            }
            for invocation in owners {
                for task in invocation.tasks { pairs.append((invocation, task)) }
            }
        }
        let matching = pairs.filter { invocation, task in
            query.filters.allSatisfy { filter in
                switch filter.name {
                case "invocation-task-id": filter.values.contains(task.id)
                case "invocation-id": filter.values.contains(invocation.id)
                case "instance-id": filter.values.contains(task.instanceId)
                case "command-id": filter.values.contains(invocation.commandId)
                default: false
                }
            }
        }
        return (matching.count, Array(matching.dropFirst(query.offset).prefix(query.limit)))
    }

    /// Distinct invocations sorted newest first.
    private func newestFirst(_ list: [FleetInvocation]) -> [FleetInvocation] {
        var seen: Set<String> = []
        return list.filter { seen.insert($0.id).inserted }.sorted { $0.orderKey > $1.orderKey }
    }
}

extension DescribeQuery {
    /// The union of the values of every filter called `name`, nil when there is none.
    func values(of name: String) -> [String]? {
        let matching = filters.filter { $0.name == name }
        return matching.isEmpty ? nil : matching.flatMap(\.values)
    }
}
