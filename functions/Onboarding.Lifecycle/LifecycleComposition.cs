using System.Text.Json;
using Amazon.DynamoDBv2;
using Microsoft.Extensions.Logging;
using Onboarding.Aws.AwsJson;
using Onboarding.Aws.CertificateAuthority;
using Onboarding.Aws.DynamoDb;
using Onboarding.Aws.KafkaAcl;
using Onboarding.Aws.Lifecycle;
using Onboarding.Aws.Marketplace;
using Onboarding.Aws.Metering;
using Onboarding.Aws.MeteringLedger;
using Onboarding.Aws.SecretsManager;
using Onboarding.Core.Lifecycle;
using Onboarding.Core.Metering;

namespace Onboarding.Lifecycle;

/// <summary>
/// Builds the function from its settings: every client from the standard AWS chains (region, credentials) with the
/// SDK's endpoint overrides (<c>AWS_ENDPOINT_URL</c>, <c>AWS_ENDPOINT_URL_&lt;SERVICE&gt;</c>), so the same build runs on moto.
/// </summary>
public static class LifecycleComposition
{
    public static async Task<LifecycleFunction> BuildAsync(LifecycleSettings settings, ILoggerFactory logging, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(logging);
        var aws = new AwsJsonClientOptions();
        var dynamo = new AmazonDynamoDBClient();
        var secrets = new AmazonSecretsManagerClient(aws);
        var admin = KafkaAdminClientFactory.Create(await AdminOptionsAsync(settings, secrets, cancellationToken).ConfigureAwait(false));
        var onboarding = new DynamoDbOnboardingStore(dynamo, settings.Tables);
        var subscribers = new DynamoDbSubscriberStore(dynamo, settings.Tables);
        var metering = new MeteringJob(
            new DynamoDbMeteringLedger(dynamo, new MeteringLedgerOptions { TableName = settings.LedgerTable }),
            new AmazonAWSMarketplaceMeteringClient(aws),
            settings.Dimensions,
            MeteringWindow.Marketplace);
        var actions = new OnboardingLifecycleActions(
            onboarding,
            subscribers,
            new ConfluentKafkaAclWriter(admin),
            new AmazonACMPCAClient(aws),
            secrets,
            new AmazonMarketplaceEntitlementServiceClient(aws),
            settings.Feeds,
            metering,
            new LifecycleActionsOptions(settings.CertificateAuthorityArn, settings.ProductCode, settings.ContractModel),
            TimeProvider.System,
            logging.CreateLogger<OnboardingLifecycleActions>());
        var processor = new LifecycleProcessor(
            new DynamoDbSubscriptionStateStore(dynamo, settings.Tables),
            actions,
            new RedriveRejectedNotifications(logging.CreateLogger<RedriveRejectedNotifications>()));
        return new LifecycleFunction(processor, logging.CreateLogger<LifecycleFunction>());
    }

    /// <summary>The admin client's certificate from its secret (<c>{"certificate": PEM, "privateKey": PEM}</c>); plaintext without one (local stack).</summary>
    private static async Task<KafkaAdminOptions> AdminOptionsAsync(LifecycleSettings settings, IAmazonSecretsManager secrets, CancellationToken cancellationToken)
    {
        if (settings.KafkaAdminSecretArn is not { } arn)
        {
            return new KafkaAdminOptions { BootstrapServers = settings.KafkaBootstrapServers };
        }

        var secret = await secrets.GetSecretValueAsync(new GetSecretValueRequest { SecretId = arn }, cancellationToken).ConfigureAwait(false);
        using var document = JsonDocument.Parse(secret.SecretString ?? "{}");
        string Read(string name) => document.RootElement.TryGetProperty(name, out var value) && value.GetString() is { Length: > 0 } text
            ? text
            : throw new InvalidOperationException($"The Kafka admin secret {arn} lacks '{name}' (expected {{\"certificate\": PEM, \"privateKey\": PEM}}).");
        return new KafkaAdminOptions { BootstrapServers = settings.KafkaBootstrapServers, CertificatePem = Read("certificate"), PrivateKeyPem = Read("privateKey") };
    }
}
