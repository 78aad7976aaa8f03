using System.Text.Json.Serialization;

namespace Onboarding.Lambda.Events;

// Names follow Amazon.Lambda.SQSEvents.

public sealed class SQSEvent
{
    [JsonPropertyName("Records")]
    public List<SQSMessage> Records { get; set; } = [];

    public sealed class SQSMessage
    {
        [JsonPropertyName("messageId")]
        public string MessageId { get; set; } = "";

        [JsonPropertyName("receiptHandle")]
        public string? ReceiptHandle { get; set; }

        /// <summary>For SNS-to-SQS subscriptions without raw delivery, an <see cref="SNSMessage"/> document.</summary>
        [JsonPropertyName("body")]
        public string Body { get; set; } = "";

        [JsonPropertyName("md5OfBody")]
        public string? Md5OfBody { get; set; }

        [JsonPropertyName("attributes")]
        public Dictionary<string, string>? Attributes { get; set; }

        [JsonPropertyName("messageAttributes")]
        public Dictionary<string, MessageAttribute>? MessageAttributes { get; set; }

        [JsonPropertyName("eventSource")]
        public string? EventSource { get; set; }

        [JsonPropertyName("eventSourceARN")]
        public string? EventSourceArn { get; set; }

        [JsonPropertyName("awsRegion")]
        public string? AwsRegion { get; set; }
    }

    public sealed class MessageAttribute
    {
        [JsonPropertyName("dataType")]
        public string? DataType { get; set; }

        [JsonPropertyName("stringValue")]
        public string? StringValue { get; set; }

        /// <summary>Base64 in the event; System.Text.Json decodes it into bytes.</summary>
        [JsonPropertyName("binaryValue")]
        public byte[]? BinaryValue { get; set; }

        [JsonPropertyName("stringListValues")]
        public List<string>? StringListValues { get; set; }

        [JsonPropertyName("binaryListValues")]
        public List<byte[]>? BinaryListValues { get; set; }
    }
}

/// <summary>
/// The answer that reports partial batch failures (the event source mapping needs
/// <c>FunctionResponseTypes: [ReportBatchItemFailures]</c>): only the listed messages are retried.
/// </summary>
public sealed class SQSBatchResponse
{
    [JsonPropertyName("batchItemFailures")]
    public List<BatchItemFailure> BatchItemFailures { get; set; } = [];

    public sealed class BatchItemFailure
    {
        /// <summary>The failed message's <c>messageId</c>.</summary>
        [JsonPropertyName("itemIdentifier")]
        public string ItemIdentifier { get; set; } = "";
    }
}

/// <summary>The SNS notification document an SQS message body holds when SNS delivers to SQS (not raw).</summary>
public sealed class SNSMessage
{
    [JsonPropertyName("Type")]
    public string? Type { get; set; }

    [JsonPropertyName("MessageId")]
    public string? MessageId { get; set; }

    [JsonPropertyName("TopicArn")]
    public string? TopicArn { get; set; }

    [JsonPropertyName("Subject")]
    public string? Subject { get; set; }

    [JsonPropertyName("Message")]
    public string Message { get; set; } = "";

    [JsonPropertyName("Timestamp")]
    public DateTimeOffset Timestamp { get; set; }

    [JsonPropertyName("SignatureVersion")]
    public string? SignatureVersion { get; set; }

    [JsonPropertyName("Signature")]
    public string? Signature { get; set; }

    [JsonPropertyName("SigningCertURL")]
    public string? SigningCertUrl { get; set; }

    [JsonPropertyName("UnsubscribeURL")]
    public string? UnsubscribeUrl { get; set; }

    [JsonPropertyName("MessageAttributes")]
    public Dictionary<string, SNSMessageAttribute>? MessageAttributes { get; set; }
}

public sealed class SNSMessageAttribute
{
    [JsonPropertyName("Type")]
    public string? Type { get; set; }

    [JsonPropertyName("Value")]
    public string? Value { get; set; }
}
