import Foundation
import Logging
import TencentCloud

extension TATSimulator {
    /// The real API's behaviour for one request, in the order the checks run:
    /// 1. only `POST /` (other methods: HTTP 405, other paths: HTTP 404);
    /// 2. `X-TC-Action` and `X-TC-Timestamp` present (`MissingParameter`), the timestamp an integer
    ///    (`InvalidParameter`);
    /// 3. the signature (`SignatureVerifier`: `AuthFailure.*`) and, for issued temporary credentials, their
    ///    token and expiry (`verifyCaller`: `AuthFailure.TokenFailure`);
    /// 4. `X-TC-Version` present (`MissingParameter`) and `2020-10-28` (`NoSuchVersion`);
    /// 5. a known action (`InvalidAction`);
    /// 6. `X-TC-Region` present and non-empty (`MissingParameter`: the current docs mark Region required),
    ///    and in `configuration.regions` when set (`UnsupportedRegion`);
    /// 7. the per-action rate limit (`RequestLimitExceeded`);
    /// 8. the parameters (`DescribeQuery`), then the query itself.
    func answer(_ request: WireRequest, sequence: Int) -> WireResponse {
        guard request.path == "/" || request.path.isEmpty else { return .plain(404) }
        guard request.method == "POST" else { return .plain(405) }
        let requestId = UUID().uuidString.lowercased()
        // Every answer carries the server's clock in `Date`, as the real API's does.
        let date = configuration.now()
        do {
            let body = try answerBody(request, sequence: sequence, requestId: requestId)
            return WireResponse(body: body, date: date)
        } catch {
            callLog.update(sequence) { $0.errorCode = error.code }
            logger.debug("API error", metadata: ["code": "\(error.code)"])
            return WireResponse(body: ResponseBuilder.error(error, requestId: requestId), date: date)
        }
    }

    private func answerBody(_ request: WireRequest, sequence: Int, requestId: String) throws(APIError) -> [UInt8] {
        let headers = request.headers
        guard let actionName = headers["x-tc-action"], !actionName.isEmpty else {
            throw .missingParameter("X-TC-Action")
        }
        guard let timestampText = headers["x-tc-timestamp"] else { throw .missingParameter("X-TC-Timestamp") }
        guard let timestamp = Int64(timestampText.trimmingCharacters(in: .whitespaces)) else {
            throw .invalidParameter("`X-TC-Timestamp` must be Unix seconds, got `\(timestampText)`.")
        }
        _ = try verifyCaller(headers, action: actionName, timestamp: timestamp, body: request.body)
        guard let version = headers["x-tc-version"], !version.isEmpty else {
            throw .missingParameter("X-TC-Version")
        }
        guard version == configuration.version else {
            throw APIError("NoSuchVersion", "The requested version `\(version)` of service `tat` does not exist.")
        }
        guard let action = APIAction(rawValue: actionName) else {
            throw APIError("InvalidAction", "The requested action `\(actionName)` does not exist.")
        }
        guard let region = headers["x-tc-region"], !region.isEmpty else { throw .missingParameter("Region") }
        if let regions = configuration.regions, !regions.contains(region) {
            throw APIError("UnsupportedRegion", "The region `\(region)` is not supported by TAT.")
        }
        guard limiter.admit(actionName, at: configuration.uptime()) else {
            throw .requestLimitExceeded(limit: limiter.limit ?? 0)
        }
        let query = try DescribeQuery.parse(action: action, body: request.body)
        callLog.update(sequence) { record in
            record.usedIds = query.ids != nil
            record.idCount = query.ids?.count ?? 0
            record.filterNames = query.filters.map(\.name)
            record.limit = query.limitSent ? query.limit : nil
            record.offset = query.offsetSent ? query.offset : nil
            record.hideOutput = action == .describeInvocationTasks ? query.hideOutput : nil
        }
        fleet.sync()
        let clock = fleet.clock
        switch action {
        case .describeInvocations:
            let (total, page) = fleet.invocations(for: query)
            callLog.update(sequence) {
                $0.returnedCount = page.count
                $0.totalCount = total
            }
            return ResponseBuilder.envelope(
                DescribeInvocationsResponse(
                    totalCount: total,
                    invocationSet: page.map { record in
                        var invocation = ResponseBuilder.invocation(record, clock: clock)
                        faults.malformed[record.id]?.apply(to: &invocation)
                        return invocation
                    },
                    requestId: requestId))
        case .describeInvocationTasks:
            if let refused = query.ids?.first(where: faults.refusedTaskIds.contains) {
                throw APIError(
                    "InvalidParameterValue.InvalidInvocationTaskId", "The task id `\(refused)` is not accepted.")
            }
            let (total, page) = fleet.tasks(for: query)
            callLog.update(sequence) {
                $0.returnedCount = page.count
                $0.totalCount = total
            }
            return ResponseBuilder.envelope(
                DescribeInvocationTasksResponse(
                    totalCount: total,
                    invocationTaskSet: page.map {
                        ResponseBuilder.task($0.1, of: $0.0, hideOutput: query.hideOutput, clock: clock)
                    },
                    requestId: requestId))
        }
    }
}
