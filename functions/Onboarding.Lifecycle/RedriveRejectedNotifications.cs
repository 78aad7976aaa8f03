using Microsoft.Extensions.Logging;
using Onboarding.Core.Lifecycle;

namespace Onboarding.Lifecycle;

/// <summary>
/// Dead-letters a notification that can never be processed through the queue's own redrive policy: logs the message id
/// and the reason, then fails the message, so SQS moves it to the dead-letter queue after <c>maxReceiveCount</c> (5)
/// receives instead of it vanishing. (EventBridge events fail the invocation; Lambda's on-failure destination, the
/// agreement dead-letter queue, keeps them with the error.) No SQS client is needed.
/// </summary>
public sealed partial class RedriveRejectedNotifications(ILogger<RedriveRejectedNotifications> logger) : IRejectedNotifications
{
    public Task RejectAsync(string messageId, string? body, string reason, CancellationToken cancellationToken)
    {
        LogRejected(logger, messageId, reason, body?.Length ?? 0);
        throw new NotificationRejectedException(messageId, reason);
    }

    [LoggerMessage(1, LogLevel.Warning, "Notification {MessageId} cannot be processed and goes to the dead-letter queue: {Reason} ({BodyLength} characters)")]
    private static partial void LogRejected(ILogger logger, string messageId, string reason, int bodyLength);
}

public sealed class NotificationRejectedException(string messageId, string reason)
    : Exception($"Notification {messageId} rejected: {reason}")
{
    public string Reason { get; } = reason;
}
