using Amazon.SQS;
using Amazon.SQS.Model;
using Onboarding.Aws.Lifecycle;
using Onboarding.Core.Lifecycle;
using Onboarding.IntegrationTests.Fixtures;

namespace Onboarding.IntegrationTests.Lifecycle;

/// <summary>Malformed notifications go straight to the dead-letter queue on SQS (moto) with the reason, and never loop.</summary>
[Collection(MotoCollection.Name)]
[Trait("Category", "Integration")]
public sealed class SqsDeadLetterNotificationsTests(MotoFixture moto) : IAsyncLifetime
{
    private readonly AmazonSQSClient sqs = new(MotoFixture.Credentials, new AmazonSQSConfig { ServiceURL = moto.Endpoint.ToString(), AuthenticationRegion = MotoFixture.Region });
    private string queueUrl = "";

    public async Task InitializeAsync()
    {
        await moto.ResetAsync();
        queueUrl = (await sqs.CreateQueueAsync($"notifications-dlq-{Guid.NewGuid():N}")).QueueUrl;
    }

    public Task DisposeAsync()
    {
        sqs.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task UnknownNotificationInABatch_LandsOnTheDeadLetterQueueWithItsReason_AndIsNotReportedAsFailed()
    {
        var processor = new LifecycleProcessor(new UnusedStore(), new UnusedActions(), new SqsDeadLetterNotifications(sqs, queueUrl));
        const string body = """{"Type":"Notification","MessageId":"m-1","Timestamp":"2026-11-20T09:15:02.117Z","Message":"{\"action\":\"subscribe-maybe\",\"customer-identifier\":\"c-1\",\"product-code\":\"p-1\"}"}""";

        var result = await processor.HandleBatchAsync([new QueuedNotification("sqs-1", body, DateTimeOffset.UnixEpoch)], CancellationToken.None);

        Assert.Empty(result.FailedMessageIds);
        var received = await sqs.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = queueUrl, MessageAttributeNames = ["All"], MaxNumberOfMessages = 10 });
        var message = Assert.Single(received.Messages);
        Assert.Equal(body, message.Body);
        Assert.Equal("sqs-1", message.MessageAttributes[SqsDeadLetterNotifications.SourceMessageIdAttribute].StringValue);
        Assert.Contains("subscribe-maybe", message.MessageAttributes[SqsDeadLetterNotifications.ReasonAttribute].StringValue, StringComparison.Ordinal);
    }

    private sealed class UnusedStore : ISubscriptionStateStore
    {
        public Task<StoredSubscriptionState?> GetAsync(string subscriptionKey, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("a malformed message must not reach the store");

        public Task<bool> TrySaveAsync(SubscriptionState state, PendingEffects? pending, long expectedVersion, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("a malformed message must not reach the store");

        public Task<SubscriberAlias?> GetAliasAsync(string identifierKey, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("a malformed message must not reach the store");

        public Task<SubscriberAlias> RecordAliasAsync(string identifierKey, SubscriberAlias alias, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("a malformed message must not reach the store");
    }

    private sealed class UnusedActions : ILifecycleActions
    {
        public Task ActivateAsync(SubscriptionState state, CancellationToken cancellationToken) => throw new InvalidOperationException();

        public Task MarkFailedAsync(SubscriptionState state, CancellationToken cancellationToken) => throw new InvalidOperationException();

        public Task SendFinalUsageAsync(SubscriptionState state, DateTimeOffset endingAt, CancellationToken cancellationToken) => throw new InvalidOperationException();

        public Task RevokeAsync(SubscriptionState state, bool sendFinalUsageFirst, SubscriptionStatus finalStatus, DateTimeOffset endedAt, CancellationToken cancellationToken) => throw new InvalidOperationException();

        public Task ReplanEntitlementsAsync(SubscriptionState state, CancellationToken cancellationToken) => throw new InvalidOperationException();
    }
}
