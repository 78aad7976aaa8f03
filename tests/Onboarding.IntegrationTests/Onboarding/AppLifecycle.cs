using Marketplace.Simulator.Metering;
using Microsoft.Extensions.Logging.Abstractions;
using Onboarding.Aws.DynamoDb;
using Onboarding.Aws.KafkaAcl;
using Onboarding.Aws.Lifecycle;
using Onboarding.Aws.Metering;
using Onboarding.Aws.SecretsManager;
using Onboarding.Core.Feeds;
using Onboarding.Core.Lifecycle;
using Onboarding.Core.Metering;
using Onboarding.IntegrationTests.Aws;
using Onboarding.IntegrationTests.Fixtures;
using Onboarding.IntegrationTests.Metering;
using Onboarding.Lifecycle;

namespace Onboarding.IntegrationTests.OnboardingFlow;

/// <summary>
/// The Lifecycle function's processor wired to what an <see cref="OnboardingApp"/> uses (its tables, CA, Kafka admin
/// client), fed with SNS subscription notifications in the simulator's wire format at times the test chooses.
/// </summary>
internal sealed class AppLifecycle
{
    public const string AcmeAccount = "111111111111";
    public const string AcmeLicense = "arn:aws:license-manager::111111111111:license:l-acme0000000000000000000000payg";
    public const string GlobexAccount = "222222222222";
    public const string GlobexContractLicense = "arn:aws:license-manager::222222222222:license:l-globex000000000000000000contract";

    private readonly LifecycleProcessor processor;
    private long sequence;

    public AppLifecycle(MotoFixture moto, SimulatorFixture simulator, OnboardingApp app, string productCode = OnboardingApp.PayAsYouGoProduct, bool contract = false)
    {
        var tables = new SubscriberTableOptions { SubscribersTable = app.SubscribersTable, OnboardingTable = app.OnboardingTable };
        var actions = new OnboardingLifecycleActions(
            new DynamoDbOnboardingStore(app.Dynamo, tables),
            new DynamoDbSubscriberStore(app.Dynamo, tables),
            new ConfluentKafkaAclWriter(app.AdminClient),
            app.Pca,
            new AmazonSecretsManagerClient(MotoRaw.Options(moto)),
            simulator.Entitlements(),
            FeedCatalog.Parse(OnboardingApp.FeedTopics),
            new MeteringJob(new InMemoryMeteringLedger(), new FakeMarketplaceMetering(), new DimensionMap(), MeteringWindow.Marketplace),
            new LifecycleActionsOptions(app.CaArn, productCode, contract),
            TimeProvider.System,
            NullLogger<OnboardingLifecycleActions>.Instance);
        processor = new LifecycleProcessor(
            new DynamoDbSubscriptionStateStore(app.Dynamo, tables), actions, new RedriveRejectedNotifications(NullLogger<RedriveRejectedNotifications>.Instance));
    }

    /// <summary>Delivers one notification about a customer of the simulator's catalogue, as SQS delivers the SNS envelope.</summary>
    public async Task NotifyAsync(string action, DateTimeOffset at, string customerIdentifier = "cust-acme", string account = AcmeAccount,
        string productCode = OnboardingApp.PayAsYouGoProduct, string? license = AcmeLicense)
    {
        var notification = SubscriptionNotification.Create(Interlocked.Increment(ref sequence), action, customerIdentifier, account, productCode, license, at);
        var result = await processor.HandleBatchAsync([new QueuedNotification("sqs-" + notification.MessageId, notification.Body, null)], CancellationToken.None);
        var outcome = Assert.Single(result.Outcomes);
        Assert.True(outcome.Failure is null && outcome.Rejected is null, $"{action} failed: {outcome.Rejected ?? outcome.Failure?.ToString()}");
    }
}
