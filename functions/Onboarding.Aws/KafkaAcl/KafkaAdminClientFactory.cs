using Confluent.Kafka;
using Onboarding.Aws.Kafka;

namespace Onboarding.Aws.KafkaAcl;

/// <summary>Settings for the admin connection that writes ACLs (the provider's own client certificate on MSK).</summary>
public sealed class KafkaAdminOptions
{
    public const string BootstrapServersVariable = "KAFKA_BOOTSTRAP_SERVERS";

    public required string BootstrapServers { get; init; }

    /// <summary>PEM certificate chain of the admin client; null for a PLAINTEXT cluster (local stack).</summary>
    public string? CertificatePem { get; init; }

    /// <summary>PKCS#8 PEM private key of the admin client. Never logged.</summary>
    public string? PrivateKeyPem { get; init; }

    public override string ToString() => $"KafkaAdminOptions({BootstrapServers}, {(CertificatePem is null ? "plaintext" : "TLS client certificate")})";
}

/// <summary>Builds the Confluent.Kafka admin client the ACL writer receives (librdkafka then connects in the background).</summary>
public static class KafkaAdminClientFactory
{
    public static IAdminClient Create(KafkaAdminOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.BootstrapServers))
        {
            throw new InvalidOperationException($"Kafka bootstrap servers are not configured (set {KafkaAdminOptions.BootstrapServersVariable}).");
        }

        if ((options.CertificatePem is null) != (options.PrivateKeyPem is null))
        {
            throw new InvalidOperationException("The Kafka admin client needs both its certificate and its private key, or neither.");
        }

        Librdkafka.EnsureLoaded();
        var config = new AdminClientConfig { BootstrapServers = options.BootstrapServers };
        if (options.CertificatePem is not null)
        {
            config.SecurityProtocol = SecurityProtocol.Ssl;
            config.SslCertificatePem = options.CertificatePem;
            config.SslKeyPem = options.PrivateKeyPem;
        }

        return new AdminClientBuilder(config).Build();
    }
}
