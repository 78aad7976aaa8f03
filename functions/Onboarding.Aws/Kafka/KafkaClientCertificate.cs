using System.Text.Json;
using Confluent.Kafka;
using Onboarding.Aws.SecretsManager;

namespace Onboarding.Aws.Kafka;

/// <summary>
/// A Kafka client's TLS certificate and key, kept in Secrets Manager in the format the MSK event source mapping
/// reads for CLIENT_CERTIFICATE_TLS_AUTH: <c>{"certificate": "&lt;PEM leaf + chain&gt;", "privateKey": "&lt;PKCS#8 PEM&gt;"}</c>.
/// One secret serves both the event source mapping and the function's own producer or admin client.
/// </summary>
public sealed class KafkaClientCertificate
{
    private KafkaClientCertificate(string certificatePem, string privateKeyPem)
    {
        CertificatePem = certificatePem;
        PrivateKeyPem = privateKeyPem;
    }

    public string CertificatePem { get; }

    /// <summary>Never logged; <see cref="ToString"/> leaves it out.</summary>
    public string PrivateKeyPem { get; }

    public static async Task<KafkaClientCertificate> LoadAsync(IAmazonSecretsManager secrets, string secretArn, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        ArgumentException.ThrowIfNullOrWhiteSpace(secretArn);
        var secret = await secrets.GetSecretValueAsync(new GetSecretValueRequest { SecretId = secretArn }, cancellationToken).ConfigureAwait(false);
        return Parse(secret.SecretString, secretArn);
    }

    /// <summary>Reads the secret's JSON; errors name the secret and the missing field, never the value.</summary>
    public static KafkaClientCertificate Parse(string? secretString, string secretName)
    {
        if (string.IsNullOrWhiteSpace(secretString))
        {
            throw new InvalidOperationException($"Kafka client secret {secretName} has no SecretString.");
        }

        try
        {
            using var document = JsonDocument.Parse(secretString);
            var root = document.RootElement;
            string Field(string name) =>
                root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
                && value.GetString() is { Length: > 0 } text
                    ? text
                    : throw new InvalidOperationException($"Kafka client secret {secretName} has no \"{name}\" string field (expected {{\"certificate\": PEM, \"privateKey\": PEM}}).");

            var certificate = Field("certificate");
            var key = Field("privateKey");
            if (!certificate.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"Kafka client secret {secretName}: \"certificate\" is not a PEM certificate.");
            }

            if (!key.Contains("PRIVATE KEY-----", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"Kafka client secret {secretName}: \"privateKey\" is not a PEM private key.");
            }

            return new KafkaClientCertificate(certificate, key);
        }
        catch (JsonException)
        {
            throw new InvalidOperationException($"Kafka client secret {secretName} is not JSON (expected {{\"certificate\": PEM, \"privateKey\": PEM}}).");
        }
    }

    /// <summary>Switches a librdkafka client to TLS with this certificate; MSK's broker certificates chain to public roots.</summary>
    public void ApplyTo(ClientConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.SecurityProtocol = SecurityProtocol.Ssl;
        config.SslCertificatePem = CertificatePem;
        config.SslKeyPem = PrivateKeyPem;
    }

    public override string ToString() => "KafkaClientCertificate(certificate, private key withheld)";
}
