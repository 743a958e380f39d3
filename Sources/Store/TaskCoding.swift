import Events
import Foundation

/// The compact binary form of an invocation's tasks, stored in `invocation.tasks`.
///
/// JSON would be readable, but 100,000 invocations of 10 tasks decode with Foundation's
/// `JSONDecoder` in tens of seconds here; this form decodes a million tasks in about a second.
///
/// Layout (format 1): a format byte, then a LEB128 task count, then per task: `id`, `instanceId`
/// and `status` as LEB128 length + UTF-8 bytes, `statusSince` as the little-endian bits of a
/// `Double` of Unix seconds, and `stuckFired` as one byte (0 or 1). A new layout gets a new format
/// byte; decoding keeps reading every older one.
package enum TaskCoding {
    package static let format: UInt8 = 1

    /// Encodes tasks in the current format.
    package static func encode(_ tasks: [TaskState]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(2 + tasks.count * 48)
        out.append(format)
        appendVarint(UInt64(tasks.count), to: &out)
        for task in tasks {
            appendString(task.id, to: &out)
            appendString(task.instanceId, to: &out)
            appendString(task.status.rawValue, to: &out)
            let bits = task.statusSince.timeIntervalSince1970.bitPattern.littleEndian
            withUnsafeBytes(of: bits) { out.append(contentsOf: $0) }
            out.append(task.stuckFired ? 1 : 0)
        }
        return out
    }

    /// Decodes tasks written by any format this build knows.
    package static func decode(_ bytes: UnsafeRawBufferPointer) throws(StoreError) -> [TaskState] {
        var reader = Reader(bytes: bytes)
        let version = try reader.byte()
        guard version == 1 else { throw .corruptRow("unknown task encoding \(version)") }
        let count = try reader.varint()
        guard count <= UInt64(bytes.count) else { throw .corruptRow("task count \(count) exceeds its blob") }
        var tasks: [TaskState] = []
        tasks.reserveCapacity(Int(count))
        for _ in 0..<count {
            let id = try reader.string()
            let instanceId = try reader.string()
            let status = try reader.string()
            let since = try reader.double()
            let stuck = try reader.byte() != 0
            tasks.append(
                TaskState(
                    id: id, instanceId: instanceId, status: TaskStatus(rawValue: status),
                    statusSince: Date(timeIntervalSince1970: since), stuckFired: stuck))
        }
        guard reader.offset == bytes.count else { throw .corruptRow("trailing bytes after tasks") }
        return tasks
    }

    private static func appendVarint(_ value: UInt64, to out: inout [UInt8]) {
        var value = value
        while value >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        out.append(UInt8(value))
    }

    private static func appendString(_ string: String, to out: inout [UInt8]) {
        var string = string
        string.withUTF8 { utf8 in
            appendVarint(UInt64(utf8.count), to: &out)
            out.append(contentsOf: utf8)
        }
    }

    /// A bounds-checked cursor over the blob.
    private struct Reader {
        let bytes: UnsafeRawBufferPointer
        var offset = 0

        mutating func byte() throws(StoreError) -> UInt8 {
            guard offset < bytes.count else { throw .corruptRow("task blob truncated") }
            defer { offset += 1 }
            return bytes[offset]
        }

        mutating func varint() throws(StoreError) -> UInt64 {
            var value: UInt64 = 0
            var shift: UInt64 = 0
            while true {
                let next = try byte()
                value |= UInt64(next & 0x7F) << shift
                if next < 0x80 { return value }
                shift += 7
                guard shift < 64 else { throw .corruptRow("task blob varint overflow") }
            }
        }

        mutating func string() throws(StoreError) -> String {
            let length = try varint()
            guard length <= UInt64(bytes.count - offset) else { throw .corruptRow("task blob truncated") }
            let end = offset + Int(length)
            defer { offset = end }
            return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[offset..<end]), as: UTF8.self)
        }

        mutating func double() throws(StoreError) -> Double {
            guard bytes.count - offset >= 8 else { throw .corruptRow("task blob truncated") }
            var bits: UInt64 = 0
            for index in 0..<8 { bits |= UInt64(bytes[offset + index]) << (8 * UInt64(index)) }
            offset += 8
            return Double(bitPattern: bits)
        }
    }
}
