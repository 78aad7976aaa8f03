using Onboarding.Aws.DynamoDb;
using Onboarding.Core.Onboarding;
using Onboarding.Core.Subscribers;

namespace Onboarding.IntegrationTests.DynamoDb;

/// <summary>
/// Concurrency of the onboarding store. Run on DynamoDB Local: moto_server's conditional writes are not atomic
/// (50 concurrent conditional updates of one item there had 3-4 winners), DynamoDB's are.
/// </summary>
[Trait("Category", "Integration")]
public sealed class OnboardingStoreConcurrencyTests(DynamoDbLocalFixture local) : IClassFixture<DynamoDbLocalFixture>, IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(60);
    private const string CertArn = "arn:aws:acm-pca:us-east-1:111122223333:certificate-authority/ca/certificate/abc";

    // Fresh tables per test, so tests never see each other's items.
    private readonly SubscriberTableOptions tables = new() { SubscribersTable = "subscribers-" + Guid.NewGuid().ToString("N"), OnboardingTable = "onboarding-" + Guid.NewGuid().ToString("N") };
    private static readonly CustomerIdentity Customer = CustomerIdentity.FromCustomerIdentifier("Ex8Ej5jR8fL", "prod-abc123");

    private DynamoDbOnboardingStore Store => new(local.Client, tables);

    public Task InitializeAsync() => SubscriberTables.CreateAsync(local.Client, tables);

    public Task DisposeAsync() => Task.CompletedTask;

    private static OnboardingState Registered() =>
        OnboardingMachine.Apply(
            OnboardingMachine.Apply(OnboardingMachine.Start(Customer, T0), new EntitlementCheckedEvent(["quotes.us"]), T0).OrThrow(),
            new RegisteredEvent(KeyChoice.GenerateKey, null),
            T0).OrThrow();

    [Fact]
    public async Task FiftyConcurrentRegistrations_ExactlyOneClaimsAndRecordsEachStep()
    {
        var owners = Enumerable.Range(0, 50).Select(i => $"request-{i}").ToArray();

        var outcomes = await Task.WhenAll(owners.Select(owner => Task.Run(async () =>
        {
            var (_, created) = await Store.StartAsync(OnboardingMachine.Start(Customer, T0));
            var claim = await Store.TryClaimAsync(Customer.StableId, owner, T0, Lease);
            if (claim is null)
            {
                return (Owner: owner, Created: created, Claimed: false, Saved: false);
            }

            var next = OnboardingMachine.Apply(claim.State, new EntitlementCheckedEvent(["quotes.us"]), T0).OrThrow();
            await Store.SaveAsync(next, owner);
            return (Owner: owner, Created: created, Claimed: true, Saved: true);
        })));

        Assert.Single(outcomes, o => o.Created);
        var winner = Assert.Single(outcomes, o => o.Claimed);
        Assert.True(winner.Saved);
        var stored = await Store.GetAsync(Customer.StableId);
        Assert.Equal(OnboardingStep.EntitlementChecked, stored!.Step);
        Assert.Equal(2, stored.Version);
    }

    [Fact]
    public async Task FiftyConcurrentSavesOfTheSameStep_ExactlyOneIsRecorded()
    {
        await Store.StartAsync(OnboardingMachine.Start(Customer, T0));
        var claim = await Store.TryClaimAsync(Customer.StableId, "worker-a", T0, Lease);
        var registered = Registered() with { Version = claim!.State.Version };
        registered = await Store.SaveAsync(registered, "worker-a");
        var keyStored = OnboardingMachine.Apply(registered, new KeyStoredEvent("arn:secret", "csr"), T0).OrThrow();

        // The same worker retrying the same save 50 times at once (e.g. duplicated deliveries): one version bump.
        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => Task.Run(async () =>
        {
            try
            {
                var issued = OnboardingMachine.Apply(keyStored, new CertificateIssuedEvent($"{CertArn}-{i}"), T0).OrThrow();
                await Store.SaveAsync(issued, "worker-a");
                return $"{CertArn}-{i}";
            }
            catch (ConcurrentUpdateException)
            {
                return null;
            }
        })));

        var recorded = Assert.Single(results, r => r is not null);
        var stored = await Store.GetAsync(Customer.StableId);
        Assert.Equal(recorded, stored!.CertificateArn);
        Assert.Equal(registered.Version + 1, stored.Version);
    }
}
