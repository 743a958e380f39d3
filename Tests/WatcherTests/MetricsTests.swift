import Events
import Foundation
import MetricsTestKit
import TATSimulator
import TestSupport
import Testing
import Watcher

@Suite("Watcher: metrics and readiness", .timeLimit(.minutes(2)))
struct MetricsTests {
    @Test("cycles, API calls, events, tracked count and the last successful poll are reported")
    func metrics() async throws {
        try await Harness.with { h in
            let metrics = TestMetrics()
            let watcher = h.watcher(metrics: metrics)
            #expect(watcher.lastSuccessfulPoll == nil)
            try await watcher.pollOnce()
            await h.simulator.addInvocation(InvocationSpec(tasks: [.init(plan: TaskStep.failing(after: .seconds(1)))]))
            await h.advance(seconds: 3)
            await h.simulator.failNext(1, with: .internalError)
            await #expect(throws: (any Error).self) { try await watcher.pollOnce() }
            #expect(h.log.events.isEmpty, "a failed cycle emits nothing")
            #expect(watcher.lastSuccessfulPoll == Harness.origin)
            try await watcher.pollOnce()
            #expect(watcher.lastSuccessfulPoll == h.now.date)

            let region = ("region", Harness.region)
            #expect(
                metrics.counterTotal(label: "tattle_poll_cycles_total", dimensions: [region, ("outcome", "success")])
                    == 2)
            #expect(
                metrics.counterTotal(label: "tattle_poll_cycles_total", dimensions: [("outcome", "api_error")]) == 1)
            #expect(
                metrics.counterTotal(
                    label: "tattle_api_calls_total",
                    dimensions: [("action", "DescribeInvocations"), ("outcome", "api_error")]) == 1)
            #expect(
                metrics.counterTotal(
                    label: "tattle_api_calls_total",
                    dimensions: [("action", "DescribeInvocationTasks"), ("outcome", "success")]) == 1)
            #expect(
                metrics.counterTotal(
                    label: "tattle_events_total", dimensions: [("type", "task.status_changed"), ("status", "FAILED")])
                    == 1)
            #expect(try metrics.expectGauge("tattle_tracked_invocations", [region]).lastValue == 1)
            #expect(
                try metrics.expectGauge("tattle_last_successful_poll_timestamp_seconds", [region]).lastValue
                    == h.now.date.timeIntervalSince1970)
            #expect(try metrics.expectTimer("tattle_poll_duration_seconds", [region]).values.count == 3)
        }
    }
}
