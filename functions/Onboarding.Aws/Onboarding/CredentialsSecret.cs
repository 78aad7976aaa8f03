using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Onboarding.Aws.Onboarding;

/// <summary>
/// The JSON in a subscriber's Secrets Manager secret. With "generate a key for me" the secret is created with the
/// key and its CSR first, and the certificate is added later; with the buyer's CSR it is created with the certificate.
/// <see cref="ToString"/> never prints the private key.
/// </summary>
public sealed record CredentialsSecret
{
    [JsonPropertyName("customerId")]
    public string? CustomerId { get; init; }

    [JsonPropertyName("certificateArn")]
    public string? CertificateArn { get; init; }

    /// <summary>PEM of the client certificate.</summary>
    [JsonPropertyName("certificate")]
    public string? Certificate { get; init; }

    /// <summary>PEM certificates of the issuing CA chain.</summary>
    [JsonPropertyName("certificateChain")]
    public string? CertificateChain { get; init; }

    /// <summary>PKCS#8 PEM; only when we generated the key.</summary>
    [JsonPropertyName("privateKey")]
    public string? PrivateKey { get; init; }

    [JsonPropertyName("csr")]
    public string? Csr { get; init; }

    /// <summary>Which certificate generation the key and certificate belong to (absent in secrets of generation 1).</summary>
    [JsonPropertyName("generation")]
    public int? Generation { get; init; }

    public int GenerationOrFirst => Generation ?? 1;

    public string ToJson() => JsonSerializer.Serialize(this, CredentialsSecretJsonContext.Default.CredentialsSecret);

    public static CredentialsSecret Parse(string? json) =>
        string.IsNullOrEmpty(json)
            ? new CredentialsSecret()
            : JsonSerializer.Deserialize(json, CredentialsSecretJsonContext.Default.CredentialsSecret) ?? new CredentialsSecret();

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append($"CustomerId = {CustomerId}, CertificateArn = {CertificateArn}, PrivateKey = {(PrivateKey is null ? "none" : "***")}");
        return true;
    }
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CredentialsSecret))]
internal sealed partial class CredentialsSecretJsonContext : JsonSerializerContext;
