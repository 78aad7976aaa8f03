using Amazon.DynamoDBv2;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Onboarding.Aws.AwsJson;
using Onboarding.Aws.DynamoDb;
using Onboarding.Aws.Kafka;
using Onboarding.Aws.SecretsManager;
using Onboarding.Aws.ReferencePrices;

namespace Onboarding.Enrichment;

/// <summary>Builds the handler and its adapters from the settings; owns the producer and the DynamoDB client.</summary>
public sealed class EnrichmentFunction : IDisposable
{
    private readonly IProducer<byte[], byte[]> producer;
    private readonly AmazonDynamoDBClient dynamoDb;

    public EnrichmentFunction(EnrichmentSettings settings, ILoggerFactory loggerFactory, TextWriter? metrics, KafkaClientCertificate? clientCertificate = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        var producerConfig = EnrichmentProducerConfig.Create(settings.BootstrapServers, settings.DeliveryTimeoutMs, settings.SecurityProtocol);
        clientCertificate?.ApplyTo(producerConfig);
        producer = EnrichmentProducerConfig.Build(producerConfig);
        // The endpoint was chosen and validated at start by the same factory (EnrichmentSettings); the signing region comes from the environment.
        dynamoDb = DynamoDbClientFactory.Create(settings.DynamoDbEndpoint, Environment.GetEnvironmentVariable);
        Handler = new EnrichmentHandler(
            settings.Options,
            new DynamoDbReferencePriceStore(dynamoDb, settings.ReferenceTable),
            new KafkaEnrichedRecordPublisher(producer),
            loggerFactory.CreateLogger<EnrichmentHandler>(),
            metrics);
    }

    public EnrichmentHandler Handler { get; }

    /// <summary>Builds the function, first reading its Kafka client certificate from Secrets Manager when one is configured.</summary>
    public static async Task<EnrichmentFunction> CreateAsync(EnrichmentSettings settings, ILoggerFactory loggerFactory, TextWriter? metrics, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        KafkaClientCertificate? certificate = null;
        if (settings.ClientCertificateSecretArn is { } secretArn)
        {
            var secrets = new AmazonSecretsManagerClient(new AwsJsonClientOptions());
            certificate = await KafkaClientCertificate.LoadAsync(secrets, secretArn, cancellationToken).ConfigureAwait(false);
        }

        return new EnrichmentFunction(settings, loggerFactory, metrics, certificate);
    }

    public void Dispose()
    {
        producer.Flush(TimeSpan.FromSeconds(10));
        producer.Dispose();
        dynamoDb.Dispose();
    }
}
