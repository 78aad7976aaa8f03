using System.Text.Json;
using Onboarding.Core.Lifecycle;

namespace Onboarding.Core.Tests.Lifecycle;

public sealed class LifecycleProcessorTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    /// <summary>Saves and effects in the order they happened, so tests see which came first.</summary>
    private readonly List<string> timeline = [];
    private readonly ManualClock clock = new(Now);
    private readonly InMemoryStore store;
    private readonly RecordingActions actions;
    private readonly RecordingDeadLetters deadLetters = new();

    public LifecycleProcessorTests()
    {
        store = new InMemoryStore(timeline);
        actions = new RecordingActions(timeline);
    }

    private LifecycleProcessor Processor() => new(store, actions, deadLetters, clock, TimeSpan.FromMinutes(2));

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
    public async Task FailedAction_ReportsOnlyThatMessage_KeepsItsEffectsPendingAndTheRetryCarriesThemOut()
    {
        actions.FailOn = "Activate";
        var batch = new[] { Queued("sqs-sns-subscribe-fail.json"), Queued("sqs-sns-subscribe-success.json") };

        var result = await Processor().HandleBatchAsync(batch, CancellationToken.None);

        Assert.Equal([batch[1].MessageId], result.FailedMessageIds);
        var stored = store.States.Values.Single();
        Assert.Equal(SubscriptionStatus.Active, stored.State.Status);
        Assert.IsType<LifecycleDecision.Activate>(stored.Pending?.Decision);
        Assert.Equal(Now, stored.Pending!.LeaseUntil); // given up on failure: the retry need not wait for it

        actions.FailOn = null;
        var retry = await Processor().HandleBatchAsync([batch[1]], CancellationToken.None);

        Assert.Empty(retry.FailedMessageIds);
        Assert.IsType<LifecycleDecision.Ignore>(Assert.Single(retry.Outcomes).Decision); // a duplicate to the state machine...
        Assert.Equal(["MarkFailed", "Activate"], actions.Calls); // ...yet its effects were carried out
        Assert.Equal(new StoredSubscriptionState(stored.State, stored.Version + 2), store.States.Values.Single());
    }

    [Fact]
    public async Task Revocation_SavesTheEndedStateBeforeItsEffects_SoALandingWhileTheyRunReadsEnded()
    {
        var key = new SubscriptionRef("C", "P", null, null).Key;
        SubscriptionStatus? seenDuringRevocation = null;
        actions.During = async call =>
        {
            if (call.StartsWith("Revoke", StringComparison.Ordinal))
            {
                // What the landing page's registration gate would read at this moment.
                seenDuringRevocation = (await store.GetAsync(key, CancellationToken.None))?.State.Status;
            }
        };

        var result = await Processor().HandleBatchAsync(
            [Sns("sns-1", "subscribe-success", "2026-11-23T10:00:00Z"), Sns("sns-2", "unsubscribe-success", "2026-11-23T10:05:00Z")], CancellationToken.None);

        Assert.Empty(result.FailedMessageIds);
        Assert.Equal(SubscriptionStatus.Ended, seenDuringRevocation);
        Assert.Equal(
            ["save Active +Activate", "Activate", "save Active", "save Ended +Revoke", "Revoke(final usage: True)", "save Ended"],
            timeline);
    }

    [Fact]
    public async Task PendingEffects_AreCarriedOutBeforeALaterNotificationIsApplied_SoFinalUsageIsNotSkipped()
    {
        await Processor().HandleBatchAsync([Sns("sns-1", "subscribe-success", "2026-11-23T10:00:00Z")], CancellationToken.None);
        actions.FailOn = "SendFinalUsage";
        var pending = await Processor().HandleBatchAsync([Sns("sns-2", "unsubscribe-pending", "2026-11-23T10:05:00Z")], CancellationToken.None);
        Assert.Single(pending.FailedMessageIds);
        actions.FailOn = null;
        timeline.Clear();

        // unsubscribe-success arrives before unsubscribe-pending is redelivered; its revocation sends no final usage of its own.
        var ended = await Processor().HandleBatchAsync([Sns("sns-3", "unsubscribe-success", "2026-11-23T10:06:00Z")], CancellationToken.None);
        var redelivered = await Processor().HandleBatchAsync([Sns("sns-2", "unsubscribe-pending", "2026-11-23T10:05:00Z")], CancellationToken.None);

        Assert.Empty(ended.FailedMessageIds);
        Assert.Empty(redelivered.FailedMessageIds);
        Assert.Equal(
            ["SendFinalUsage", "save PendingUnsubscribe", "save Ended +Revoke", "Revoke(final usage: False)", "save Ended"],
            timeline);
        Assert.Null(store.States.Values.Single().Pending);
    }

    [Fact]
    public async Task PendingEffectsStillLeasedByAnotherInvocation_AreLeftToIt_AndTakenOverOnceTheLeaseRunsOut()
    {
        var state = SubscriptionStateMachine.Replay(
            [new LifecycleEvent(LifecycleEventKind.UnsubscribeSuccess, new SubscriptionRef("C", "P", null, null), Now.AddMinutes(-1), "sns-0", LifecycleEventSource.Sns)])!;
        await store.TrySaveAsync(state, new PendingEffects(new LifecycleDecision.Revoke(false, SubscriptionStatus.Ended), Now.AddMinutes(-1), Now.AddMinutes(2)), 0, CancellationToken.None);
        var notification = Sns("sns-1", "entitlement-updated", "2026-11-23T11:00:00Z");

        var whileLeased = await Processor().HandleBatchAsync([notification], CancellationToken.None);

        Assert.IsType<ConcurrentSubscriptionUpdateException>(Assert.Single(whileLeased.Outcomes).Failure);
        Assert.Empty(actions.Calls);

        clock.Now = Now.AddMinutes(2);
        var afterLease = await Processor().HandleBatchAsync([notification], CancellationToken.None);

        Assert.Empty(afterLease.FailedMessageIds);
        Assert.Equal(["Revoke(final usage: False)"], actions.Calls); // the entitlement change then needs nothing while Ended
        Assert.Null(store.States.Values.Single().Pending);
        Assert.NotNull(store.States.Values.Single().State.EntitlementsStamp);
    }

    [Fact]
    public async Task ConcurrentUpdate_ReportsTheMessageForRetryAndCarriesOutNoEffects()
    {
        store.RefuseSaves = true;

        var result = await Processor().HandleBatchAsync([Queued("sqs-sns-subscribe-success.json")], CancellationToken.None);

        Assert.IsType<ConcurrentSubscriptionUpdateException>(Assert.Single(result.Outcomes).Failure);
        Assert.Single(result.FailedMessageIds);
        Assert.Empty(actions.Calls);
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

    private sealed class InMemoryStore(List<string> timeline) : ISubscriptionStateStore
    {
        public Dictionary<string, StoredSubscriptionState> States { get; } = [];

        public bool RefuseSaves { get; set; }

        public Task<StoredSubscriptionState?> GetAsync(string subscriptionKey, CancellationToken cancellationToken) =>
            Task.FromResult(States.GetValueOrDefault(subscriptionKey));

        public Task<bool> TrySaveAsync(SubscriptionState state, PendingEffects? pending, long expectedVersion, CancellationToken cancellationToken)
        {
            var current = States.GetValueOrDefault(state.Key)?.Version ?? 0;
            if (RefuseSaves || current != expectedVersion)
            {
                return Task.FromResult(false);
            }

            // A lease change alone (taken over, given up) is not a step worth showing.
            if (States.GetValueOrDefault(state.Key) is not { } before || before.State != state || before.Pending?.Decision != pending?.Decision)
            {
                timeline.Add($"save {state.Status}" + (pending is null ? string.Empty : " +" + pending.Decision.GetType().Name));
            }

            States[state.Key] = new StoredSubscriptionState(state, current + 1, pending);
            return Task.FromResult(true);
        }

        public Dictionary<string, SubscriberAlias> Aliases { get; } = [];

        public Task<SubscriberAlias?> GetAliasAsync(string identifierKey, CancellationToken cancellationToken) =>
            Task.FromResult(Aliases.GetValueOrDefault(identifierKey));

        public Task<SubscriberAlias> RecordAliasAsync(string identifierKey, SubscriberAlias alias, CancellationToken cancellationToken) =>
            Task.FromResult(Aliases.TryAdd(identifierKey, alias) ? alias : Aliases[identifierKey]);
    }

    private sealed class RecordingActions(List<string> timeline) : ILifecycleActions
    {
        public List<string> Calls { get; } = [];

        public string? FailOn { get; set; }

        /// <summary>Runs while an effect is being carried out (after it was called, before it returns).</summary>
        public Func<string, Task>? During { get; set; }

        private async Task Record(string call)
        {
            if (call == FailOn)
            {
                throw new InvalidOperationException($"{call} failed");
            }

            if (During is { } during)
            {
                await during(call);
            }

            Calls.Add(call);
            timeline.Add(call);
        }

        public Task ActivateAsync(SubscriptionState state, CancellationToken cancellationToken) => Record("Activate");

        public Task MarkFailedAsync(SubscriptionState state, CancellationToken cancellationToken) => Record("MarkFailed");

        public Task SendFinalUsageAsync(SubscriptionState state, DateTimeOffset endingAt, CancellationToken cancellationToken) => Record("SendFinalUsage");

        public Task RevokeAsync(SubscriptionState state, bool sendFinalUsageFirst, SubscriptionStatus finalStatus, DateTimeOffset endedAt, CancellationToken cancellationToken) =>
            Record(finalStatus == SubscriptionStatus.Ended ? $"Revoke(final usage: {sendFinalUsageFirst})" : $"Revoke(final usage: {sendFinalUsageFirst}, {finalStatus})");

        public Task ReplanEntitlementsAsync(SubscriptionState state, CancellationToken cancellationToken) => Record("Replan");
    }

    private sealed class ManualClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
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
