using System.Globalization;
using Onboarding.Aws.DynamoDb;
using Onboarding.Core.Enrichment;

namespace Onboarding.Enrichment;

/// <summary>The function's configuration, read from environment variables and validated as a whole.</summary>
public sealed record EnrichmentSettings(
    EnrichmentOptions Options,
    string BootstrapServers,
    string? SecurityProtocol,
    int DeliveryTimeoutMs,
    string ReferenceTable,
    Uri? DynamoDbEndpoint,
    string? ClientCertificateSecretArn = null)
{
    public static EnrichmentSettings FromEnvironment(Func<string, string?> get)
    {
        ArgumentNullException.ThrowIfNull(get);
        var errors = new List<string>();
        string? Text(string name) => get(name) is { Length: > 0 } value ? value.Trim() : null;

        double Number(string name, double fallback)
        {
            if (Text(name) is not { } text)
            {
                return fallback;
            }

            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                return value;
            }

            errors.Add($"{name} '{text}' is not a number");
            return fallback;
        }

        IReadOnlyDictionary<string, double> thresholds = new Dictionary<string, double>();
        try
        {
            thresholds = EnrichmentOptions.ParseThresholds(Text(EnrichmentEnvironment.TopicThresholds));
        }
        catch (FormatException e)
        {
            errors.Add($"{EnrichmentEnvironment.TopicThresholds}: {e.Message}");
        }

        var options = new EnrichmentOptions
        {
            EnrichedTopicTemplate = Text(EnrichmentEnvironment.EnrichedTopicTemplate) ?? EnrichmentOptions.DefaultEnrichedTopicTemplate,
            DeadLetterTopicTemplate = Text(EnrichmentEnvironment.DeadLetterTopicTemplate) ?? EnrichmentOptions.DefaultDeadLetterTopicTemplate,
            DefaultThresholdPercent = Number(EnrichmentEnvironment.ThresholdPercent, EnrichmentRule.DefaultThresholdPercent),
            ThresholdPercentByTopic = thresholds,
        };
        errors.AddRange(options.Validate());

        var bootstrap = Text(EnrichmentEnvironment.BootstrapServers);
        if (bootstrap is null)
        {
            errors.Add($"{EnrichmentEnvironment.BootstrapServers} is not set (the Kafka brokers to produce to)");
        }

        var table = Text(EnrichmentEnvironment.ReferenceTable);
        if (table is null)
        {
            errors.Add($"{EnrichmentEnvironment.ReferenceTable} is not set (the DynamoDB table of reference closes)");
        }

        var timeout = Number(EnrichmentEnvironment.DeliveryTimeoutMs, 60_000);
        if (timeout is < 1000 or > 900_000)
        {
            errors.Add($"{EnrichmentEnvironment.DeliveryTimeoutMs} must be between 1000 and 900000 ms");
        }

        var protocol = Text(EnrichmentEnvironment.SecurityProtocol);
        if (protocol is not null && protocol.ToUpperInvariant() is not ("PLAINTEXT" or "SSL"))
        {
            errors.Add($"{EnrichmentEnvironment.SecurityProtocol} '{protocol}' must be plaintext or ssl");
        }

        // The one endpoint rule every function uses (AWS_ENDPOINT_URL_DYNAMODB, else AWS_ENDPOINT_URL), checked here at start.
        Uri? endpoint = null;
        try
        {
            endpoint = DynamoDbClientFactory.EndpointOverride(get);
        }
        catch (InvalidOperationException e)
        {
            errors.Add(e.Message.TrimEnd('.'));
        }

        if (errors.Count > 0)
        {
            throw new InvalidOperationException("Enrichment configuration is invalid: " + string.Join("; ", errors) + ".");
        }

        return new EnrichmentSettings(options, bootstrap!, protocol, (int)timeout, table!, endpoint, Text(EnrichmentEnvironment.ClientCertificateSecretArn));
    }
}
