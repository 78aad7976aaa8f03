using Confluent.Kafka;
using Onboarding.Aws.Kafka;

namespace Onboarding.IntegrationTests.Kafka;

public sealed class KafkaClientCertificateTests
{
    private const string Certificate = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
    private const string Key = "-----BEGIN PRIVATE KEY-----\nsecret-key-material\n-----END PRIVATE KEY-----\n";

    [Fact]
    public void Parse_MskSecretFormat_AppliesTlsWithTheCertificateAndKey()
    {
        var certificate = KafkaClientCertificate.Parse($$"""{"certificate":{{System.Text.Json.JsonSerializer.Serialize(Certificate)}},"privateKey":{{System.Text.Json.JsonSerializer.Serialize(Key)}}}""", "arn:secret");
        var config = new ProducerConfig { BootstrapServers = "b-1:9094" };

        certificate.ApplyTo(config);

        Assert.Equal(SecurityProtocol.Ssl, config.SecurityProtocol);
        Assert.Equal(Certificate, config.SslCertificatePem);
        Assert.Equal(Key, config.SslKeyPem);
        Assert.DoesNotContain("secret-key-material", certificate.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not json", "is not JSON")]
    [InlineData("{\"certificate\":\"x\"}", "no \"privateKey\"")]
    [InlineData("{\"certificate\":\"x\",\"privateKey\":\"-----BEGIN PRIVATE KEY-----\"}", "not a PEM certificate")]
    [InlineData("[]", "no \"certificate\"")]
    public void Parse_MalformedSecret_NamesTheSecretAndTheProblemButNoValue(string secret, string expected)
    {
        var error = Assert.Throws<InvalidOperationException>(() => KafkaClientCertificate.Parse(secret, "arn:aws:secretsmanager:us-east-1:1:secret:feed"));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains("arn:aws:secretsmanager:us-east-1:1:secret:feed", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("BEGIN PRIVATE KEY", error.Message, StringComparison.Ordinal);
    }
}
