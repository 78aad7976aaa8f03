using System.Text;
using System.Text.Json.Serialization;
using Onboarding.Aws.AwsJson;

namespace Onboarding.Aws.Kms;

// Shapes follow the AWS KMS API reference and AWSSDK.KeyManagementService's model names (blobs as MemoryStream,
// base64 on the wire). Records holding plaintext print it as "***" so a logged request or response never shows it.

public sealed record EncryptRequest
{
    /// <summary>Key id, key ARN, alias name ("alias/...") or alias ARN.</summary>
    public string? KeyId { get; init; }

    /// <summary>At most 4096 bytes.</summary>
    [JsonConverter(typeof(Base64StreamConverter))]
    public MemoryStream? Plaintext { get; init; }

    /// <summary>Authenticated, not secret: the same pairs must be given to Decrypt.</summary>
    public Dictionary<string, string>? EncryptionContext { get; init; }

    /// <summary>"SYMMETRIC_DEFAULT" when null.</summary>
    public string? EncryptionAlgorithm { get; init; }

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append($"KeyId = {KeyId}, Plaintext = ***, EncryptionContext = {EncryptionContext?.Count}, EncryptionAlgorithm = {EncryptionAlgorithm}");
        return true;
    }
}

public sealed record EncryptResponse
{
    [JsonConverter(typeof(Base64StreamConverter))]
    public MemoryStream? CiphertextBlob { get; init; }

    /// <summary>The ARN of the key that encrypted, whatever form the request named it by.</summary>
    public string? KeyId { get; init; }

    public string? EncryptionAlgorithm { get; init; }
}

public sealed record DecryptRequest
{
    [JsonConverter(typeof(Base64StreamConverter))]
    public MemoryStream? CiphertextBlob { get; init; }

    /// <summary>Must equal the context given to Encrypt, or KMS refuses with InvalidCiphertextException.</summary>
    public Dictionary<string, string>? EncryptionContext { get; init; }

    /// <summary>Optional for symmetric keys; when given, KMS refuses a ciphertext made under another key.</summary>
    public string? KeyId { get; init; }

    public string? EncryptionAlgorithm { get; init; }
}

public sealed record DecryptResponse
{
    public string? KeyId { get; init; }

    [JsonConverter(typeof(Base64StreamConverter))]
    public MemoryStream? Plaintext { get; init; }

    public string? EncryptionAlgorithm { get; init; }

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append($"KeyId = {KeyId}, Plaintext = ***, EncryptionAlgorithm = {EncryptionAlgorithm}");
        return true;
    }
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(EncryptRequest))]
[JsonSerializable(typeof(EncryptResponse))]
[JsonSerializable(typeof(DecryptRequest))]
[JsonSerializable(typeof(DecryptResponse))]
internal sealed partial class KmsJsonContext : JsonSerializerContext;
