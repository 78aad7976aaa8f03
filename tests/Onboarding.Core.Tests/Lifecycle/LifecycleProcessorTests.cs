using System.Text.Json;
using Onboarding.Core.Lifecycle;

namespace Onboarding.Core.Tests.Lifecycle;

public sealed class LifecycleProcessorTests
{
    private readonly InMemoryStore store = new();
    private readonly RecordingActions actions = new();
    private readonly RecordingDeadLetters deadLetters = new();

    private LifecycleProcessor Processor() => new(store, actions, deadLetters);

    private static QueuedNotification Queued(string file)
    {
        using var document = JsonDocument.Parse(SampleEvents.Read(file));
        var record = document.RootElement.GetProperty("Records")[0];
        var sent = long.Parse(record.GetProperty("attributes").GetProperty("SentTimestamp").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        return new QueuedNotification(record.GetProperty("messageId").GetString()!, record.GetProperty("body").GetString(), DateTimeOffset.FromUnixTimeMilliseconds(sent));
    }

    private static QueuedNotification Sns(string id, string action, string timestamp) => new(
        "sqs-" + id,
        $$"""{"Type":"Notification","MessageId":"{{id}}","Timestamp":"{{timestamp}}","Message":"{\"action\":\"{{action}}\",\"customer-identifier\":\"C\",\"product-code\":\"P\"}"}""",
        null);

    [Fact]
    public async Task SnsSampleBatch_CarriesOutEachDecisionAndSavesTheFinalState()
    {
        var result = await Processor().HandleBatchAsync(SampleEvents.Sns.Select(Queued), CancellationToken.None);

        Assert.Empty(result.FailedMessageIds);
        Assert.Equal(["MarkFailed", "Activate", "Replan", "SendFinalUsage", "Revoke(final usage: False)"], actions.Calls);
        Assert.Equal(SubscriptionStatus.Ended, Assert.Single(store.States.Values).State.Status);
    }

    [Fact]
    public async Task RedeliveredBatch_InAnotherOrder_DoesNothingMore()
    {
        await Processor().HandleBatchAsync(SampleEvents.Sns.Select(Queued), CancellationToken.None);
        var saved = store.States.Values.Single();
        actions.Calls.Clear();

        var again = await Processor().HandleBatchAsync(SampleEvents.Sns.Reverse().Select(Queued), CancellationToken.None);

        Assert.Empty(again.FailedMessageIds);
        Assert.Empty(actions.Calls);
        Assert.All(again.Outcomes, o => Assert.IsType<LifecycleDecision.Ignore>(o.Decision));
        Assert.Equal(saved, store.States.Values.Single());
    }

    [Fact]
    public async Task SubscribeFail_AfterSubscribeSuccess_RevokesWithFailedAsTheFinalStatus()
    {
        var batch = new[] { Sns("sns-1", "subscribe-success", "2026-11-23T10:00:00Z"), Sns("sns-2", "subscribe-fail", "2026-11-23T10:05:00Z") };

        var result = await Processor().HandleBatchAsync(batch, CancellationToken.None);

        Assert.Empty(result.FailedMessageIds);
        Assert.Equal(["Activate", "Revoke(final usage: False, Failed)"], actions.Calls);
        Assert.Equal(SubscriptionStatus.Failed, store.States.Values.Single().State.Status);
    }

    [Fact]
    public async Task MalformedMessage_IsDeadLetteredWithTheReason_AndTheRestOfTheBatchGoesOn()
    {
        var batch = new[]
        {
            new QueuedNotification("bad-1", """{"Type":"Notification","MessageId":"m","Timestamp":"2026-11-23T10:00:00Z","Message":"{\"action\":\"subscribe-later\",\"customer-identifier\":\"C\",\"product-code\":\"P\"}"}""", null),
            Queued("sqs-sns-subscribe-success.json"),
        };

        var result = await Processor().HandleBatchAsync(batch, CancellationToken.None);

        Assert.Empty(result.FailedMessageIds);
        var (id, reason) = Assert.Single(deadLetters.Rejected);
        Assert.Equal("bad-1", id);
        Assert.Contains("Unknown Marketplace action 'subscribe-later'", reason, StringComparison.Ordinal);
        Assert.Equal(["Activate"], actions.Calls);
    }

    [Fact]
    public async Task FailedAction_ReportsOnlyThatMessage_AndSavesNothingSoTheRetryRepeatsIt()
    {
        actions.FailOn = "Activate";
        var batch = new[] { Queued("sqs-sns-subscribe-fail.json"), Queued("sqs-sns-subscribe-success.json") };

        var result = await Processor().HandleBatchAsync(batch, CancellationToken.None);

        Assert.Equal([batch[1].MessageId], result.FailedMessageIds);
        Assert.Equal(SubscriptionStatus.Failed, store.States.Values.Single().State.Status);

        actions.FailOn = null;
        var retry = await Processor().HandleBatchAsync([batch[1]], CancellationToken.None);

        Assert.Empty(retry.FailedMessageIds);
        Assert.Equal(SubscriptionStatus.Active, store.States.Values.Single().State.Status);
    }

    [Fact]
    public async Task ConcurrentUpdate_ReportsTheMessageForRetry()
    {
        store.RefuseSaves = true;

        var result = await Processor().HandleBatchAsync([Queued("sqs-sns-subscribe-success.json")], CancellationToken.None);

        Assert.IsType<ConcurrentSubscriptionUpdateException>(Assert.Single(result.Outcomes).Failure);
        Assert.Single(result.FailedMessageIds);
    }

    [Fact]
    public async Task DeadLetterUnavailable_ReportsTheMessageSoSqsRedrivesIt()
    {
        deadLetters.Fail = true;

        var result = await Processor().HandleBatchAsync([new QueuedNotification("bad-1", "not json", null)], CancellationToken.None);

        Assert.Equal(["bad-1"], result.FailedMessageIds);
    }

    [Fact]
    public async Task EventBridgeSamples_EndWithRevocationIncludingFinalUsage()
    {
        foreach (var file in SampleEvents.EventBridge)
        {
            await Processor().HandleEventBridgeAsync(SampleEvents.Read(file), "fallback", CancellationToken.None);
        }

        Assert.Equal(["Activate", "Replan", "Replan", "Revoke(final usage: True)"], actions.Calls);
        Assert.Equal(SubscriptionStatus.Ended, store.States.Values.Single().State.Status);
    }

    [Fact]
    public async Task MalformedEventBridgeEvent_IsDeadLettered()
    {
        var outcome = await Processor().HandleEventBridgeAsync("""{"source":"aws.ec2"}""", "eb-1", CancellationToken.None);

        Assert.NotNull(outcome.Rejected);
        Assert.Equal("eb-1", Assert.Single(deadLetters.Rejected).MessageId);
        Assert.Empty(store.States);
    }

    private sealed class InMemoryStore : ISubscriptionStateStore
    {
        public Dictionary<string, StoredSubscriptionState> States { get; } = [];

        public bool RefuseSaves { get; set; }

        public Task<StoredSubscriptionState?> GetAsync(string subscriptionKey, CancellationToken cancellationToken) =>
            Task.FromResult(States.GetValueOrDefault(subscriptionKey));

        public Task<bool> TrySaveAsync(SubscriptionState state, long expectedVersion, CancellationToken cancellationToken)
        {
            var current = States.GetValueOrDefault(state.Key)?.Version ?? 0;
            if (RefuseSaves || current != expectedVersion)
            {
                return Task.FromResult(false);
            }

            States[state.Key] = new StoredSubscriptionState(state, current + 1);
            return Task.FromResult(true);
        }
    }

    private sealed class RecordingActions : ILifecycleActions
    {
        public List<string> Calls { get; } = [];

        public string? FailOn { get; set; }

        private Task Record(string call)
        {
            if (call == FailOn)
            {
                throw new InvalidOperationException($"{call} failed");
            }

            Calls.Add(call);
            return Task.CompletedTask;
        }

        public Task ActivateAsync(SubscriptionState state, CancellationToken cancellationToken) => Record("Activate");

        public Task MarkFailedAsync(SubscriptionState state, CancellationToken cancellationToken) => Record("MarkFailed");

        public Task SendFinalUsageAsync(SubscriptionState state, DateTimeOffset endingAt, CancellationToken cancellationToken) => Record("SendFinalUsage");

        public Task RevokeAsync(SubscriptionState state, bool sendFinalUsageFirst, SubscriptionStatus finalStatus, DateTimeOffset endedAt, CancellationToken cancellationToken) =>
            Record(finalStatus == SubscriptionStatus.Ended ? $"Revoke(final usage: {sendFinalUsageFirst})" : $"Revoke(final usage: {sendFinalUsageFirst}, {finalStatus})");

        public Task ReplanEntitlementsAsync(SubscriptionState state, CancellationToken cancellationToken) => Record("Replan");
    }

    private sealed class RecordingDeadLetters : IRejectedNotifications
    {
        public List<(string MessageId, string Reason)> Rejected { get; } = [];

        public bool Fail { get; set; }

        public Task RejectAsync(string messageId, string? body, string reason, CancellationToken cancellationToken)
        {
            if (Fail)
            {
                throw new IOException("DLQ unavailable");
            }

            Rejected.Add((messageId, reason));
            return Task.CompletedTask;
        }
    }
}
