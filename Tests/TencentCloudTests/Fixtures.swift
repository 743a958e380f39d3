/// Response bodies shaped like the official examples of tccli's `examples.json` (tat-api.md §1, §3).
enum Fixtures {
    /// DescribeInvocations, official example shape: times with `+00:00`, every field present.
    static let describeInvocations = #"""
        {"Response": {
          "TotalCount": 1,
          "InvocationSet": [{
            "InvocationId": "inv-lpc5d2ns",
            "CommandId": "cmd-bxsj3ttz",
            "CommandName": "",
            "InvocationStatus": "SUCCESS",
            "InvocationTaskBasicInfoSet": [
              {"InvocationTaskId": "invt-8ahl1gu3", "TaskStatus": "SUCCESS", "InstanceId": "ins-4dosr6un"}
            ],
            "Description": "",
            "StartTime": "2020-11-09T07:21:59+00:00",
            "EndTime": "2020-11-09T07:22:02+00:00",
            "CreatedTime": "2020-11-09T07:21:59+00:00",
            "UpdatedTime": "2020-11-09T07:22:02+00:00",
            "Parameters": "{}",
            "DefaultParameters": "{}",
            "InstanceKind": "CVM",
            "Username": "root",
            "InvocationSource": "USER",
            "CommandContent": "IyEvYmluL2Jhc2gKbHM=",
            "CommandType": "SHELL",
            "Timeout": 60,
            "WorkingDirectory": "/home/ops/",
            "OutputCOSBucketUrl": "",
            "OutputCOSKeyPrefix": ""
          }],
          "RequestId": "90b28bd7-2b6e-4e1c-8a4a-9d3b7e4b6c2a"
        }}
        """#

    /// DescribeInvocationTasks, official example shape: lower-case `user`, Base64 output of "root\n".
    static let describeInvocationTasks = #"""
        {"Response": {
          "TotalCount": 1,
          "InvocationTaskSet": [{
            "InvocationId": "inv-1vll7hda",
            "InvocationTaskId": "invt-9cfvc3e5",
            "CommandId": "cmd-rxbs7f5z",
            "TaskStatus": "SUCCESS",
            "InstanceId": "ins-3jfj2ag0",
            "TaskResult": {
              "ExitCode": 0,
              "Output": "cm9vdAo=",
              "ExecStartTime": "2021-03-19T07:45:26+00:00",
              "ExecEndTime": "2021-03-19T07:45:27+00:00",
              "Dropped": 0,
              "OutputUrl": "",
              "OutputUploadCOSErrorInfo": ""
            },
            "StartTime": "2021-03-19T07:45:26+00:00",
            "EndTime": "2021-03-19T07:45:27+00:00",
            "CreatedTime": "2021-03-19T07:45:25+00:00",
            "UpdatedTime": "2021-03-19T07:45:27+00:00",
            "CommandDocument": {
              "Content": "d2hvYW1p",
              "CommandType": "SHELL",
              "Timeout": 60,
              "WorkingDirectory": "/home/ops/",
              "Username": "root",
              "OutputCOSBucketUrl": "",
              "OutputCOSKeyPrefix": ""
            },
            "ErrorInfo": "",
            "InvocationSource": "user",
            "CommandName": "whoami"
          }],
          "RequestId": "2bc7ed2a-9c1a-4e6b-b1a8-2a6c47a5b5f3"
        }}
        """#

    /// A running invocation: null EndTime, fractional seconds with `Z`, a missing field, an unknown field.
    static let runningInvocation = #"""
        {"InvocationId": "inv-running1", "InvocationStatus": "RUNNING", "StartTime": "2024-05-01T10:00:00.123Z",
         "EndTime": null, "CreatedTime": "2024-05-01T10:00:00.123456+00:00", "UpdatedTime": "garbage",
         "Timeout": null, "BrandNewField": {"x": 1}}
        """#

    /// An API error envelope.
    static func error(_ code: String, _ message: String = "something went wrong", requestId: String = "req-err")
        -> String
    {
        #"{"Response":{"Error":{"Code":"\#(code)","Message":"\#(message)"},"RequestId":"\#(requestId)"}}"#
    }
}
