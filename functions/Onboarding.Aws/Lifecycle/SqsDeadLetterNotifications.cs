using Amazon.SQS;
using Amazon.SQS.Model;
using Onboarding.Core.Lifecycle;

namespace Onboarding.Aws.Lifecycle;

/// <summary>
/// Puts a notification that can never be processed on the dead-letter queue at once, with the reason and the
/// source message id as message attributes, so it never loops and the operator sees why it was refused.
/// </summary>
public sealed class SqsDeadLetterNotifications(IAmazonSQS sqs, string deadLetterQueueUrl) : IRejectedNotifications
{
    public const string QueueUrlVariable = "NOTIFICATIONS_DLQ_URL";
    public const string ReasonAttribute = "dlq-reason";
    public const string SourceMessageIdAttribute = "dlq-source-message-id";

    // SQS refuses an empty body and attribute values above 256 KiB in total; reasons are short.
    private const int MaxReasonLength = 1024;

    public async Task RejectAsync(string messageId, string? body, string reason, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(messageId);
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        await sqs.SendMessageAsync(new SendMessageRequest
        {
            QueueUrl = deadLetterQueueUrl,
            MessageBody = string.IsNullOrEmpty(body) ? "(empty message body)" : body,
            MessageAttributes = new Dictionary<string, MessageAttributeValue>
            {
                [ReasonAttribute] = new() { DataType = "String", StringValue = reason.Length <= MaxReasonLength ? reason : reason[..MaxReasonLength] },
                [SourceMessageIdAttribute] = new() { DataType = "String", StringValue = messageId },
            },
        }, cancellationToken).ConfigureAwait(false);
    }
}
