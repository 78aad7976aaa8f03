using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;
using Onboarding.Core.Lifecycle;
using Onboarding.Lambda.Events;
using Onboarding.Lambda.Runtime;

namespace Onboarding.Lifecycle;

/// <summary>
/// The Lifecycle function: one handler for two triggers, told apart by the event's shape: SQS batches from the
/// Marketplace SNS topics (answered with the partial batch response) and EventBridge agreement events.
/// </summary>
public sealed partial class LifecycleFunction(LifecycleProcessor processor, ILogger<LifecycleFunction> logger)
{
    /// <summary>Time kept back from Lambda's deadline so a slow call is cancelled and reported rather than killed.</summary>
    public static readonly TimeSpan DeadlineMargin = TimeSpan.FromSeconds(3);

    public enum Trigger
    {
        Unknown,
        Sqs,
        EventBridge,
    }

    /// <summary>How long an invocation may work: until <see cref="DeadlineMargin"/> before Lambda's deadline, at least a second,
    /// and never more than Lambda's 15-minute maximum (a deadline far in the future, as emulators send, would overflow the timer).</summary>
    public static TimeSpan TimeBudget(TimeSpan remaining)
    {
        var budget = remaining - DeadlineMargin;
        return budget < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1)
            : budget > TimeSpan.FromMinutes(15) ? TimeSpan.FromMinutes(15)
            : budget;
    }

    /// <summary>SQS events have <c>Records</c> with <c>eventSource</c> "aws:sqs"; EventBridge events have <c>detail-type</c> and <c>source</c>.</summary>
    public static Trigger Classify(JsonElement input)
    {
        if (input.ValueKind != JsonValueKind.Object)
        {
            return Trigger.Unknown;
        }

        if (input.TryGetProperty("Records", out var records) && records.ValueKind == JsonValueKind.Array)
        {
            return records.EnumerateArray().All(r => r.ValueKind == JsonValueKind.Object
                && r.TryGetProperty("eventSource", out var source) && source.ValueKind == JsonValueKind.String && source.GetString() == "aws:sqs")
                ? Trigger.Sqs
                : Trigger.Unknown;
        }

        return input.TryGetProperty("detail-type", out var detailType) && detailType.ValueKind == JsonValueKind.String
            && input.TryGetProperty("source", out var eventSource) && eventSource.ValueKind == JsonValueKind.String
            ? Trigger.EventBridge
            : Trigger.Unknown;
    }

    /// <summary>The Lambda entry point. Returns the partial batch response for SQS, null (no payload) for EventBridge.</summary>
    public async Task<SQSBatchResponse?> HandleAsync(JsonElement input, ILambdaContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        using var deadline = new CancellationTokenSource(TimeBudget(context.RemainingTime));
        switch (Classify(input))
        {
            case Trigger.Sqs:
                var batch = input.Deserialize(LifecycleJsonContext.Default.SQSEvent)!;
                return await HandleSqsAsync(batch, deadline.Token).ConfigureAwait(false);
            case Trigger.EventBridge:
                await HandleEventBridgeAsync(input.GetRawText(), context.AwsRequestId, deadline.Token).ConfigureAwait(false);
                return null;
            default:
                // Neither trigger of this function: fail the invocation, so the error is visible rather than swallowed.
                throw new InvalidDataException(
                    "The Lifecycle function takes an SQS event (Records with eventSource aws:sqs) or an EventBridge event (detail-type and source).");
        }
    }

    /// <summary>Returns the partial batch response: only failed messages are retried (ReportBatchItemFailures).</summary>
    public async Task<SQSBatchResponse> HandleSqsAsync(SQSEvent batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var result = await processor.HandleBatchAsync(batch.Records.Select(ToNotification), cancellationToken).ConfigureAwait(false);
        foreach (var outcome in result.Outcomes)
        {
            Log(outcome);
        }

        return new SQSBatchResponse
        {
            BatchItemFailures = [.. result.FailedMessageIds.Select(id => new SQSBatchResponse.BatchItemFailure { ItemIdentifier = id })],
        };
    }

    /// <summary>One EventBridge event; throws on a processing failure so that Lambda retries it, then sends it to the on-failure destination.</summary>
    public async Task HandleEventBridgeAsync(string eventJson, string requestId, CancellationToken cancellationToken)
    {
        var outcome = await processor.HandleEventBridgeAsync(eventJson, requestId, cancellationToken).ConfigureAwait(false);
        Log(outcome);
    }

    public static QueuedNotification ToNotification(SQSEvent.SQSMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return new QueuedNotification(
            message.MessageId,
            message.Body,
            message.Attributes is not null && message.Attributes.TryGetValue("SentTimestamp", out var sent)
                && long.TryParse(sent, NumberStyles.Integer, CultureInfo.InvariantCulture, out var milliseconds)
                ? DateTimeOffset.FromUnixTimeMilliseconds(milliseconds)
                : null);
    }

    private void Log(LifecycleOutcome outcome)
    {
        if (outcome.Failure is NotificationRejectedException)
        {
            return; // logged with its reason when it was rejected; failing it is how it reaches the dead-letter queue
        }

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

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(SQSEvent))]
[JsonSerializable(typeof(SQSBatchResponse))]
public sealed partial class LifecycleJsonContext : JsonSerializerContext;
