/// The two API queries over the fleet: filter, order (``ListingOrder``: newest first by CreatedTime, then
/// id, unless configured otherwise), then page.
///
/// Well-formed ids that do not exist (never created, or removed as by retention) are simply absent from
/// the result and from `TotalCount`, with no error: the undocumented case of tat-api.md §6.
extension Fleet {
    /// The invocations matching a DescribeInvocations query: the total and the requested page.
    func invocations(for query: DescribeQuery) -> (total: Int, page: [FleetInvocation]) {
        if query.ids == nil, query.filters.isEmpty, hidden.isEmpty {
            // The polling hot path (paging everything): slice the order index, no full copy.
            switch listingOrder {
            case .newestFirst:
                let page = order.reversed().dropFirst(query.offset).prefix(query.limit).compactMap {
                    invocations[$0.id]
                }
                return (order.count, Array(page))
            case .oldestFirst:
                let page = order.dropFirst(query.offset).prefix(query.limit).compactMap { invocations[$0.id] }
                return (order.count, Array(page))
            case .unordered:
                let page = scattered.dropFirst(query.offset).prefix(query.limit).compactMap { invocations[$0.id] }
                return (order.count, Array(page))
            }
        }
        let candidates: [FleetInvocation]
        if let ids = query.ids {
            candidates = listed(ids.compactMap { invocations[$0] })
        } else if let ids = query.values(of: "invocation-id") {
            candidates = listed(ids.compactMap { invocations[$0] })
        } else {
            candidates = listedAll
        }
        let matching = candidates.filter { invocation in
            !hidden.contains(invocation.id)
                && query.filters.allSatisfy { filter in
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
    /// Tasks are ordered by their invocation (in the listing order), then in the invocation's task order.
    func tasks(for query: DescribeQuery) -> (total: Int, page: [(FleetInvocation, FleetTask)]) {
        var pairs: [(FleetInvocation, FleetTask)] = []
        if let ids = query.ids ?? query.values(of: "invocation-task-id") {
            let wanted = Set(ids)
            let owners = listed(Set(ids.compactMap { owner(ofTask: $0)?.id }).compactMap { invocations[$0] })
            for invocation in owners {
                for task in invocation.tasks where wanted.contains(task.id) { pairs.append((invocation, task)) }
            }
        } else if query.filters.isEmpty {
            // No filter: walk the listing, skipping `offset` tasks without copying the rest.
            var skipped = 0
            var page: [(FleetInvocation, FleetTask)] = []
            let walk: any Sequence<FleetInvocation> = listingOrder == .newestFirst ? newestFirst : listedAll
            for invocation in walk where page.count < query.limit {
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
                owners = listed(ids.compactMap { invocations[$0] })
            } else {
                owners = listedAll
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

    /// Distinct invocations in the listing order.
    private func listed(_ list: [FleetInvocation]) -> [FleetInvocation] {
        var seen: Set<String> = []
        return listingOrder.sorted(list.filter { seen.insert($0.id).inserted })
    }

    /// Every invocation in the listing order.
    private var listedAll: [FleetInvocation] {
        switch listingOrder {
        case .newestFirst: Array(newestFirst)
        case .oldestFirst: order.compactMap { invocations[$0.id] }
        case .unordered: scattered.compactMap { invocations[$0.id] }
        }
    }
}

extension DescribeQuery {
    /// The union of the values of every filter called `name`, nil when there is none.
    func values(of name: String) -> [String]? {
        let matching = filters.filter { $0.name == name }
        return matching.isEmpty ? nil : matching.flatMap(\.values)
    }
}
