import Events
import Foundation

extension Loader {
    static let operatorKeys = ["equals", "in", "not", "glob", "regex", "exists", "gt", "gte", "lt", "lte"]
    static let statusFields: Set<String> = ["status", "previousStatus", "invocation.status", "task.status"]

    /// Parses a `match` object: field tests and `all`/`any`/`not`, all of which must hold.
    func loadCondition(_ value: JSONTree, _ path: JSONPath, depth: Int) -> Condition? {
        guard depth <= Self.maxMatchDepth else {
            context.error(path, "match is nested deeper than \(Self.maxMatchDepth) levels")
            return nil
        }
        guard case .object(let members) = value else {
            context.error(path, "expected a match object such as {\"status\": \"FAILED\"}, found \(value.typeName)")
            return nil
        }
        var parts: [Condition] = []
        var ok = true
        for key in members.keys.sorted() {
            let child = members[key]!
            let childPath = path + key
            switch key {
            case "all", "any":
                guard case .array(let items) = child else {
                    context.error(childPath, "\"\(key)\" takes an array of match objects, found \(child.typeName)")
                    ok = false
                    continue
                }
                if items.isEmpty {
                    context.warning(childPath, "empty \"\(key)\" " + (key == "all" ? "always holds" : "never holds"))
                }
                var children: [Condition] = []
                for (index, item) in items.enumerated() {
                    if let parsed = loadCondition(item, childPath + index, depth: depth + 1) {
                        children.append(parsed)
                    } else {
                        ok = false
                    }
                }
                parts.append(key == "all" ? .all(children) : .any(children))
            case "not":
                if let parsed = loadCondition(child, childPath, depth: depth + 1) {
                    parts.append(.not(parsed))
                } else {
                    ok = false
                }
            default:
                guard let field = field(key, childPath, atKey: true) else {
                    ok = false
                    continue
                }
                if let test = loadTest(child, childPath, field: field, depth: depth + 1) {
                    parts.append(.field(field, test))
                } else {
                    ok = false
                }
            }
        }
        guard ok else { return nil }
        // Cheap tests first: `all` stops at the first that fails.
        let ordered = parts.enumerated().sorted { ($0.element.cost, $0.offset) < ($1.element.cost, $1.offset) }.map(
            \.element)
        return ordered.count == 1 ? ordered[0] : .all(ordered)
    }

    /// Parses the test of one field: a value (equals), an array (in), null (absent) or an operator object.
    private func loadTest(_ value: JSONTree, _ path: JSONPath, field: EventField, depth: Int) -> FieldTest? {
        guard depth <= Self.maxMatchDepth else {
            context.error(path, "match is nested deeper than \(Self.maxMatchDepth) levels")
            return nil
        }
        switch value {
        case .null: return .exists(false)
        case .string, .number, .bool:
            checkValue(value, path, field: field)
            return .equals(Self.literal(value))
        case .array(let items):
            return loadOneOf(items, path, field: field)
        case .object(let members):
            if members.isEmpty {
                context.error(path, "empty operator object: use one of \(Self.operatorKeys.joined(separator: ", "))")
                return nil
            }
            var tests: [FieldTest] = []
            var ok = true
            for key in members.keys.sorted() {
                let operand = members[key]!
                let operandPath = path + key
                switch key {
                case "equals":
                    switch operand {
                    case .string, .number, .bool, .null:
                        checkValue(operand, operandPath, field: field)
                        tests.append(.equals(Self.literal(operand)))
                    default:
                        context.error(
                            operandPath, "\"equals\" takes a string, number, boolean or null, found \(operand.typeName)"
                        )
                        ok = false
                    }
                case "in":
                    guard case .array(let items) = operand else {
                        context.error(operandPath, "\"in\" takes an array of values, found \(operand.typeName)")
                        ok = false
                        continue
                    }
                    if let test = loadOneOf(items, operandPath, field: field) { tests.append(test) } else { ok = false }
                case "not":
                    if let test = loadTest(operand, operandPath, field: field, depth: depth + 1) {
                        tests.append(.not(test))
                    } else {
                        ok = false
                    }
                case "glob":
                    guard case .string(let pattern) = operand else {
                        context.error(
                            operandPath, "\"glob\" takes a string such as \"deploy-*\", found \(operand.typeName)")
                        ok = false
                        continue
                    }
                    if pattern.count > 1000 {
                        context.error(operandPath, "glob is \(pattern.count) characters long; the limit is 1000")
                        ok = false
                    } else {
                        tests.append(.glob(Glob(pattern)))
                    }
                case "regex":
                    guard case .string(let pattern) = operand else {
                        context.error(operandPath, "\"regex\" takes a string, found \(operand.typeName)")
                        ok = false
                        continue
                    }
                    do {
                        tests.append(.regex(try BoundedRegex(pattern)))
                    } catch {
                        context.error(operandPath, error.message)
                        ok = false
                    }
                case "exists":
                    if let flag = context.bool(operand, operandPath) { tests.append(.exists(flag)) } else { ok = false }
                case "gt", "gte", "lt", "lte":
                    guard case .number(let bound) = operand, bound.isFinite else {
                        context.error(operandPath, "\"\(key)\" takes a number, found \(operand.typeName)")
                        ok = false
                        continue
                    }
                    tests.append(.compare(FieldTest.Comparison(rawValue: key)!, bound))
                default:
                    context.error(
                        operandPath, "unknown operator \"\(key)\"" + Suggest.hint(for: key, among: Self.operatorKeys),
                        atKey: true)
                    ok = false
                }
            }
            guard ok else { return nil }
            return tests.count == 1 ? tests[0] : .all(tests)
        }
    }

    private func loadOneOf(_ items: [JSONTree], _ path: JSONPath, field: EventField) -> FieldTest? {
        var texts: [String] = []
        var ok = true
        for (index, item) in items.enumerated() {
            switch item {
            case .string, .number, .bool:
                checkValue(item, path + index, field: field)
                if let text = Self.literal(item).text { texts.append(text) }
            default:
                context.error(path + index, "expected a string, number or boolean, found \(item.typeName)")
                ok = false
            }
        }
        if items.isEmpty { context.warning(path, "empty list: never matches") }
        guard ok else { return nil }
        return .oneOf(Set(texts), display: texts)
    }

    static func literal(_ value: JSONTree) -> FieldValue {
        switch value {
        case .string(let text): .string(text)
        case .number(let number): .number(number)
        case .bool(let flag): .bool(flag)
        default: .missing
        }
    }

    /// Warns about values a field never takes: unknown statuses (`"failed"` for `FAILED`) and event types.
    private func checkValue(_ value: JSONTree, _ path: JSONPath, field: EventField) {
        guard case .string(let text) = value else { return }
        if Self.statusFields.contains(field.path) {
            let known = Array(Set(InvocationStatus.known.map(\.rawValue) + TaskStatus.known.map(\.rawValue))).sorted()
            if !known.contains(text) {
                context.warning(
                    path,
                    "\"\(text)\" is not a known TAT status" + Suggest.hint(for: text, among: known)
                        + " (statuses are upper case)")
            }
        } else if field.path == "account", !accountNames.contains(text) {
            context.warning(
                path,
                "\"\(text)\" is not an account of this file" + Suggest.hint(for: text, among: accountNames)
                    + " (accounts: \(accountNames.joined(separator: ", ")))")
        } else if field.path == "type", !EventType.all.map(\.rawValue).contains(text) {
            context.warning(
                path, "\"\(text)\" is not an event type" + Suggest.hint(for: text, among: EventType.all.map(\.rawValue))
            )
        }
    }

    /// Parses `mute`: an array of windows (objects, or strings like `"sat"`, `"22:00-07:00"`, `"2026-12-25"`).
    func loadMute(_ value: JSONTree, _ path: JSONPath) -> [MuteWindow]? {
        let items: [JSONTree]
        switch value {
        case .array(let list): items = list
        case .object, .string: items = [value]
        default:
            context.error(path, "expected an array of mute windows, found \(value.typeName)")
            return nil
        }
        var windows: [MuteWindow] = []
        for (index, item) in items.enumerated() {
            let itemPath = path + index
            if case .string(let text) = item {
                var window = MuteWindow(name: text, timeZone: timeZone)
                if let days = MuteWindow.parseWeekdays(text) {
                    window.weekdays = days
                } else if let range = MuteWindow.parseTimeRange(text) {
                    window.times = [range]
                } else if let date = MuteWindow.parseDate(text) {
                    window.dates = [date]
                } else {
                    context.error(
                        itemPath,
                        "\"\(text)\" is not a weekday (\"sat\", \"mon-fri\"), a time range (\"22:00-07:00\") or a date (\"2026-12-25\")"
                    )
                    continue
                }
                windows.append(window)
                continue
            }
            guard
                let members = context.object(
                    item, itemPath, allowed: ["name", "weekdays", "times", "dates", "timeZone"])
            else { continue }
            var window = MuteWindow(name: "", timeZone: timeZone)
            if let zone = context.string(members["timeZone"], itemPath + "timeZone", resolve: false) {
                if let parsed = Self.timeZone(zone) {
                    window.timeZone = parsed
                } else {
                    context.error(
                        itemPath + "timeZone",
                        "unknown time zone \"\(zone)\": use an IANA name such as \"Asia/Shanghai\" or \"UTC\"")
                }
            }
            var summary: [String] = []
            if let days = context.strings(members["weekdays"], itemPath + "weekdays", resolve: false) {
                var set: Set<Int> = []
                for (dayIndex, day) in days.enumerated() {
                    if let parsed = MuteWindow.parseWeekdays(day) {
                        set.formUnion(parsed)
                    } else {
                        context.error(
                            itemPath + "weekdays" + dayIndex,
                            "\"\(day)\" is not a weekday: use mon, tue, wed, thu, fri, sat, sun or a range like \"mon-fri\""
                        )
                    }
                }
                window.weekdays = set
                summary.append(days.joined(separator: ","))
            }
            if let ranges = context.strings(members["times"], itemPath + "times", resolve: false) {
                var parsed: [MuteWindow.TimeRange] = []
                for (rangeIndex, text) in ranges.enumerated() {
                    if let range = MuteWindow.parseTimeRange(text) {
                        parsed.append(range)
                    } else {
                        context.error(
                            itemPath + "times" + rangeIndex,
                            "\"\(text)\" is not a time range: use \"HH:MM-HH:MM\" such as \"22:00-07:00\" (24-hour clock, may cross midnight)"
                        )
                    }
                }
                window.times = parsed
                summary.append(ranges.joined(separator: ","))
            }
            if let dates = context.strings(members["dates"], itemPath + "dates", resolve: false) {
                var set: Set<Int> = []
                for (dateIndex, text) in dates.enumerated() {
                    if let date = MuteWindow.parseDate(text) {
                        set.insert(date)
                    } else {
                        context.error(itemPath + "dates" + dateIndex, "\"\(text)\" is not a date: use \"YYYY-MM-DD\"")
                    }
                }
                window.dates = set
                summary.append(dates.joined(separator: ","))
            }
            if window.weekdays == nil, window.times == nil, window.dates == nil {
                context.error(itemPath, "a mute window needs \"weekdays\", \"times\" or \"dates\"")
                continue
            }
            let name = context.string(members["name"], itemPath + "name", resolve: false)
            window.name = name ?? (summary.joined(separator: " ") + " " + window.timeZone.identifier)
            windows.append(window)
        }
        return windows
    }
}
