using Microsoft.Extensions.Logging;
using Onboarding.Core.Lifecycle;

namespace Onboarding.Lifecycle;

/// <summary>The Lifecycle function: SQS batches from the Marketplace SNS topics, and EventBridge agreement events.</summary>
public sealed partial class LifecycleFunction(LifecycleProcessor processor, ILogger<LifecycleFunction> logger)
{
    /// <summary>Returns the partial batch response: only failed messages are retried (ReportBatchItemFailures).</summary>
    public async Task<SqsBatchResponse> HandleSqsAsync(SqsEvent batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var result = await processor.HandleBatchAsync(batch.Records.Select(r => r.ToNotification()), cancellationToken).ConfigureAwait(false);
        foreach (var outcome in result.Outcomes)
        {
            Log(outcome);
        }

        return new SqsBatchResponse
        {
            BatchItemFailures = [.. result.FailedMessageIds.Select(id => new SqsBatchResponse.BatchItemFailure { ItemIdentifier = id })],
        };
    }

    /// <summary>One EventBridge event; throws on a processing failure so that EventBridge retries it.</summary>
    public async Task HandleEventBridgeAsync(string eventJson, string requestId, CancellationToken cancellationToken)
    {
        var outcome = await processor.HandleEventBridgeAsync(eventJson, requestId, cancellationToken).ConfigureAwait(false);
        Log(outcome);
    }

    private void Log(LifecycleOutcome outcome)
    {
        if (outcome.Failure is { } failure)
        {
            LogFailed(logger, failure, outcome.MessageId, outcome.Event?.Kind.ToString(), outcome.Rejected);
        }
        else if (outcome.Rejected is { } reason)
        {
            LogRejected(logger, outcome.MessageId, reason);
        }
        else if (outcome.Event is { } e)
        {
            LogHandled(logger, outcome.MessageId, e.Kind.ToString(), e.Subscription.Key, e.OccurredAt, outcome.Decision?.ToString());
        }
    }

    [LoggerMessage(1, LogLevel.Information, "Notification {MessageId} ({Kind}) for {Subscription} at {OccurredAt}: {Decision}")]
    private static partial void LogHandled(ILogger logger, string messageId, string kind, string subscription, DateTimeOffset occurredAt, string? decision);

    [LoggerMessage(2, LogLevel.Warning, "Notification {MessageId} dead-lettered: {Reason}")]
    private static partial void LogRejected(ILogger logger, string messageId, string reason);

    [LoggerMessage(3, LogLevel.Error, "Notification {MessageId} ({Kind}) failed and will be retried; rejection reason {Rejected}")]
    private static partial void LogFailed(ILogger logger, Exception exception, string messageId, string? kind, string? rejected);
}
