import Events
import Foundation
import Testing

@testable import Rules

@Suite struct DefaultTextTests {
    static let taskWithoutError = Support.event(
        type: .taskStatusChanged, status: "TIMEOUT",
        task: TaskInfo(
            id: "invt-2", instanceId: "ins-2", status: "TIMEOUT",
            details: TaskDetails(exitCode: 0, output: OutputTail(text: "\n\n", omittedBytes: 0))
        )
    )

    static let batches: [[Event]] =
        SampleEvents.all.map { [$0] } + [
            [PresetTests.hostileEvent(outputBytes: 200)],
            [Support.event(previous: nil, commandId: "", description: "")],
            [taskWithoutError],
            [SampleEvents.taskFailed, taskWithoutError, SampleEvents.taskFailed],
            [taskWithoutError, SampleEvents.taskFailed],
            [SampleEvents.invocationStuck, SampleEvents.taskStuck],
            [FailureMessageTests.deployWeb(failed: 7, outputBytes: 100)],
            [FailureMessageTests.deployWeb(failed: 2, outputBytes: 0, output: FailureMessageTests.hostileOutput)],
        ]

    /// Presentations the renderer uses: whole tails, and shortened tails and id lists for chat.
    static let presentations = [
        Presentation(markup: .plain), Presentation(markup: .chat, tailBytes: 40),
        Presentation(markup: .chat, tailBytes: 0, moreIds: 1), Presentation(markup: .chat, tailBytes: 0, moreIds: 0),
    ]

    @Test(arguments: batches)
    func nativeDefaultsMatchTheMustacheTemplates(events: [Event]) {
        for isRecovery in [false, true] {
            for presentation in Self.presentations {
                let reference = Renderer.mustacheDefaults(
                    events: events, isRecovery: isRecovery, presentation: presentation)
                #expect(DefaultText.title(events, isRecovery: isRecovery) == reference.title)
                #expect(
                    DefaultText.body(events, isRecovery: isRecovery, presentation: presentation) == reference.body,
                    "\(presentation)")
            }
        }
    }
}

@Suite struct TidyTests {
    static let cases: [(String, String)] = [
        ("a\nb", "a\nb"), ("a  \nb\t", "a\nb"), ("\n\na\n\n\n\nb\n\n", "a\n\nb"), ("a\r\nb", "a\nb"), ("", ""),
        ("a\n\nb", "a\n\nb"), (" a", " a"), ("a\n \nb", "a\n\nb"), ("部署\n\n\n失败 ", "部署\n\n失败"),
    ]

    @Test(arguments: cases)
    func tidy(input: String, expected: String) {
        #expect(Renderer.tidy(input) == expected)
        #expect(Renderer.tidy(expected) == expected)
    }

    static let titles: [(String, String)] = [
        ("  a b  ", "a b"), ("a\nb", "a b"), ("\n", ""), ("x", "x"), ("\ta\t", "a"),
    ]

    @Test(arguments: titles)
    func oneLine(input: String, expected: String) {
        #expect(Renderer.oneLine(input) == expected)
    }
}
