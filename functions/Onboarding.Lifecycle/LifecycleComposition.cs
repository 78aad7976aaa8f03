using System.Text.Json;
using Microsoft.Extensions.Logging;
using Onboarding.Aws.AwsJson;
using Onboarding.Aws.CertificateAuthority;
using Onboarding.Aws.DynamoDb;
using Onboarding.Aws.Kafka;
using Onboarding.Aws.KafkaAcl;
using Onboarding.Aws.Lifecycle;
using Onboarding.Aws.Marketplace;
using Onboarding.Aws.Metering;
using Onboarding.Aws.MeteringLedger;
using Onboarding.Aws.SecretsManager;
using Onboarding.Core.Acl;
using Onboarding.Core.Lifecycle;
using Onboarding.Core.Metering;

namespace Onboarding.Lifecycle;

/// <summary>
/// Builds the function from its settings: every client from the standard AWS chains (region, credentials) with the
/// endpoint overrides (<c>AWS_ENDPOINT_URL</c>, <c>AWS_ENDPOINT_URL_&lt;SERVICE&gt;</c>; DynamoDB's through
/// <see cref="DynamoDbClientFactory"/>), so the same build runs on moto.
/// </summary>
public static partial class LifecycleComposition
{
    public static async Task<LifecycleFunction> BuildAsync(LifecycleSettings settings, ILoggerFactory logging, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(logging);
        var aws = new AwsJsonClientOptions();
        var dynamo = DynamoDbClientFactory.Create(Environment.GetEnvironmentVariable);
        var secrets = new AmazonSecretsManagerClient(aws);
        IKafkaAclWriter acls;
        if (InMemoryKafkaAclWriter.IsRequested(Environment.GetEnvironmentVariable))
        {
            var aclLog = logging.CreateLogger<InMemoryKafkaAclWriter>();
            acls = new InMemoryKafkaAclWriter(message => LogLocalAcl(aclLog, message));
        }
        else
        {
            acls = new ConfluentKafkaAclWriter(KafkaAdminClientFactory.Create(await AdminOptionsAsync(settings, secrets, cancellationToken).ConfigureAwait(false)));
        }

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
            acls,
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
            RejectedNotifications(logging));
        return new LifecycleFunction(processor, logging.CreateLogger<LifecycleFunction>());
    }

    /// <summary>
    /// With NOTIFICATIONS_DLQ_URL (the template sets it) a malformed notification goes to the dead-letter queue at once,
    /// with its reason; without it (local stack) it is logged and failed, so the queue's redrive moves it eventually.
    /// </summary>
    private static IRejectedNotifications RejectedNotifications(ILoggerFactory logging) =>
        Environment.GetEnvironmentVariable(SqsDeadLetterNotifications.QueueUrlVariable) is { Length: > 0 } queueUrl
            ? new SqsDeadLetterNotifications(new Amazon.SQS.AmazonSQSClient(), queueUrl)
            : new RedriveRejectedNotifications(logging.CreateLogger<RedriveRejectedNotifications>());

    /// <summary>The admin client's certificate from its secret (<c>{"certificate": PEM, "privateKey": PEM}</c>); plaintext without one (local stack).</summary>
    private static async Task<KafkaAdminOptions> AdminOptionsAsync(LifecycleSettings settings, IAmazonSecretsManager secrets, CancellationToken cancellationToken)
    {
        if (settings.KafkaAdminSecretArn is not { } arn)
        {
            return new KafkaAdminOptions { BootstrapServers = settings.KafkaBootstrapServers };
        }

        var certificate = await KafkaClientCertificate.LoadAsync(secrets, arn, cancellationToken).ConfigureAwait(false);
        return new KafkaAdminOptions { BootstrapServers = settings.KafkaBootstrapServers, CertificatePem = certificate.CertificatePem, PrivateKeyPem = certificate.PrivateKeyPem };
    }

    [LoggerMessage(LogLevel.Information, "{Message}")]
    private static partial void LogLocalAcl(ILogger logger, string message);
}
