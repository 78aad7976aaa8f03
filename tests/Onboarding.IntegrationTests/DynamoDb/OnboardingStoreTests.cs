using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Onboarding.Aws.DynamoDb;
using Onboarding.Core.Onboarding;
using Onboarding.Core.Subscribers;
using Onboarding.IntegrationTests.Fixtures;

namespace Onboarding.IntegrationTests.DynamoDb;

[Collection(MotoCollection.Name)]
[Trait("Category", "Integration")]
public sealed class OnboardingStoreTests(MotoFixture moto) : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(60);
    private static readonly SubscriberTableOptions Tables = new() { SubscribersTable = "subscribers", OnboardingTable = "onboarding" };
    private static readonly CustomerIdentity Customer = CustomerIdentity.FromCustomerIdentifier("Ex8Ej5jR8fL", "prod-abc123");
    private const string CertArn = "arn:aws:acm-pca:us-east-1:111122223333:certificate-authority/ca/certificate/abc";

    private readonly AmazonDynamoDBClient dynamo = moto.NewDynamoDbClient();

    private DynamoDbOnboardingStore Store => new(dynamo, Tables);

    public async Task InitializeAsync()
    {
        await moto.ResetAsync();
        await SubscriberTables.CreateAsync(dynamo, Tables);
    }

    public Task DisposeAsync()
    {
        dynamo.Dispose();
        return Task.CompletedTask;
    }

    private static OnboardingState Registered() =>
        OnboardingMachine.Apply(
            OnboardingMachine.Apply(OnboardingMachine.Start(Customer, T0), new EntitlementCheckedEvent(["quotes.us"]), T0).OrThrow(),
            new RegisteredEvent(KeyChoice.GenerateKey, null),
            T0).OrThrow();

    [Fact]
    public async Task Start_Twice_CreatesOnceAndReturnsTheStoredStateTheSecondTime()
    {
        var (first, created) = await Store.StartAsync(OnboardingMachine.Start(Customer, T0));
        var (second, createdAgain) = await Store.StartAsync(OnboardingMachine.Start(Customer, T0.AddMinutes(5)));

        Assert.True(created);
        Assert.False(createdAgain);
        Assert.Equal(1, first.Version);
        Assert.Equal(T0, second.StartedAt);
        Assert.Equal(first, second);
    }

    [Fact]
    public async Task SavedState_ReadsBackWithEveryResumeField()
    {
        await Store.StartAsync(OnboardingMachine.Start(Customer, T0));
        var claim = await Store.TryClaimAsync(Customer.StableId, "worker-a", T0, Lease);
        var state = Registered() with { Version = claim!.State.Version };
        state = OnboardingMachine.Apply(state, new KeyStoredEvent("arn:secret", "-----BEGIN CERTIFICATE REQUEST-----"), T0).OrThrow();
        state = OnboardingMachine.Apply(state, new FailedEvent("PCA throttled", Retryable: true), T0.AddSeconds(1)).OrThrow();

        var saved = await Store.SaveAsync(state, "worker-a");
        var read = await Store.GetAsync(Customer.StableId);

        Assert.Equal(saved, read);
        Assert.Equal(OnboardingAction.IssueCertificate, OnboardingMachine.NextAction(read!));
        Assert.Equal(2, read!.Version);
    }

    [Fact]
    public async Task Save_OfAStateWithoutFailureOrTtl_RemovesThoseAttributes()
    {
        await Store.StartAsync(OnboardingMachine.Start(Customer, T0));
        var claim = await Store.TryClaimAsync(Customer.StableId, "worker-a", T0, Lease);
        var failed = await Store.SaveAsync(
            OnboardingMachine.Apply(claim!.State, new FailedEvent("Marketplace unavailable", true), T0).OrThrow(), "worker-a");
        Assert.NotNull(await RawAttribute("ttl"));

        var state = OnboardingMachine.Apply(failed, new EntitlementCheckedEvent(["quotes.us"]), T0).OrThrow();
        state = OnboardingMachine.Apply(state, new RegisteredEvent(KeyChoice.OwnCsr, "csr"), T0).OrThrow();
        state = OnboardingMachine.Apply(state, new CertificateIssuedEvent(CertArn), T0).OrThrow();
        var issued = await Store.SaveAsync(state, "worker-a");

        Assert.Null((await Store.GetAsync(Customer.StableId))!.Failure);
        Assert.Null(await RawAttribute("failure"));
        Assert.Null(await RawAttribute("ttl")); // something was issued: keep the record
        Assert.Equal(CertArn, issued.CertificateArn);
    }

    [Fact]
    public async Task CompletedState_ReadsBackWithCertificateSecretAndPrincipal_AndIsKept()
    {
        await Store.StartAsync(OnboardingMachine.Start(Customer, T0));
        var claim = await Store.TryClaimAsync(Customer.StableId, "worker-a", T0, Lease);
        var state = claim!.State;
        foreach (var evt in new OnboardingEvent[]
        {
            new EntitlementCheckedEvent(["trades.us", "quotes.us"]),
            new RegisteredEvent(KeyChoice.OwnCsr, "csr"),
            new CertificateIssuedEvent(CertArn),
            new SecretStoredEvent("arn:aws:secretsmanager:us-east-1:111122223333:secret:s"),
            new AclsWrittenEvent("User:CN=" + Customer.StableId + ",O=Example\\, Inc."),
            new CompletedEvent(),
        })
        {
            state = await Store.SaveAsync(OnboardingMachine.Apply(state, evt, T0.AddMinutes(1)).OrThrow(), "worker-a");
        }

        var read = await Store.GetAsync(Customer.StableId);

        Assert.Equal(state, read);
        Assert.Equal(OnboardingAction.ShowQuickStart, OnboardingMachine.NextAction(read!));
        Assert.Equal("User:CN=" + Customer.StableId + ",O=Example\\, Inc.", read!.KafkaPrincipal);
        Assert.Equal(7, read.Version); // created as 1, then six steps
        Assert.Null(await RawAttribute("ttl"));
    }

    [Fact]
    public async Task Claim_HeldByOneWorker_RefusesAnotherUntilItExpiresOrIsReleased()
    {
        await Store.StartAsync(OnboardingMachine.Start(Customer, T0));

        Assert.NotNull(await Store.TryClaimAsync(Customer.StableId, "worker-a", T0, Lease));
        Assert.Null(await Store.TryClaimAsync(Customer.StableId, "worker-b", T0.AddSeconds(59), Lease));
        Assert.NotNull(await Store.TryClaimAsync(Customer.StableId, "worker-a", T0.AddSeconds(30), Lease));

        await Store.ReleaseAsync(Customer.StableId, "worker-b"); // not b's: changes nothing
        Assert.Null(await Store.TryClaimAsync(Customer.StableId, "worker-b", T0.AddSeconds(60), Lease));

        await Store.ReleaseAsync(Customer.StableId, "worker-a");
        Assert.NotNull(await Store.TryClaimAsync(Customer.StableId, "worker-b", T0.AddSeconds(61), Lease));
    }

    [Fact]
    public async Task Claim_AfterTheLeaseExpired_PassesToTheNextWorker_AndTheFirstCanNoLongerSave()
    {
        await Store.StartAsync(OnboardingMachine.Start(Customer, T0));
        var first = await Store.TryClaimAsync(Customer.StableId, "worker-a", T0, Lease);

        var second = await Store.TryClaimAsync(Customer.StableId, "worker-b", T0 + Lease, Lease);

        Assert.NotNull(second);
        var late = OnboardingMachine.Apply(first!.State, new EntitlementCheckedEvent(["quotes.us"]), T0).OrThrow();
        await Assert.ThrowsAsync<ConcurrentUpdateException>(() => Store.SaveAsync(late, "worker-a"));
        Assert.Equal(OnboardingStep.TokenResolved, (await Store.GetAsync(Customer.StableId))!.Step);
    }

    [Fact]
    public async Task Claim_WithoutAStartedOnboarding_IsRefused()
    {
        Assert.Null(await Store.TryClaimAsync(Customer.StableId, "worker-a", T0, Lease));
        Assert.Null(await Store.GetAsync(Customer.StableId));
    }

    private async Task<AttributeValue?> RawAttribute(string name)
    {
        var response = await dynamo.GetItemAsync(new GetItemRequest
        {
            TableName = Tables.OnboardingTable,
            Key = new() { ["pk"] = new AttributeValue { S = SubscriberTables.CustomerKey(Customer.StableId) } },
            ConsistentRead = true,
        });
        return response.Item is { } item && item.TryGetValue(name, out var value) ? value : null;
    }
}
