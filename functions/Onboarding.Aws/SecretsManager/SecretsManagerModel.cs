using System.Text;
using System.Text.Json.Serialization;
using Onboarding.Aws.AwsJson;

namespace Onboarding.Aws.SecretsManager;

// Shapes follow the Secrets Manager API reference and AWSSDK.SecretsManager's model names.
// Records holding a secret value print it as "***" so a logged request or response never shows it.

public sealed record Tag
{
    public string? Key { get; init; }

    public string? Value { get; init; }
}

public sealed record CreateSecretRequest
{
    public string? Name { get; init; }

    /// <summary>Filled with a new GUID when null, as the SDK does, so a retried create is idempotent.</summary>
    public string? ClientRequestToken { get; init; }

    public string? Description { get; init; }

    public string? KmsKeyId { get; init; }

    public string? SecretString { get; init; }

    public List<Tag>? Tags { get; init; }

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append($"Name = {Name}, ClientRequestToken = {ClientRequestToken}, Description = {Description}, KmsKeyId = {KmsKeyId}, SecretString = ***, Tags = {Tags?.Count}");
        return true;
    }
}

public sealed record CreateSecretResponse
{
    public string? ARN { get; init; }

    public string? Name { get; init; }

    public string? VersionId { get; init; }
}

public sealed record PutSecretValueRequest
{
    public string? SecretId { get; init; }

    /// <summary>Filled with a new GUID when null, as the SDK does.</summary>
    public string? ClientRequestToken { get; init; }

    public string? SecretString { get; init; }

    public List<string>? VersionStages { get; init; }

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append($"SecretId = {SecretId}, ClientRequestToken = {ClientRequestToken}, SecretString = ***");
        return true;
    }
}

public sealed record PutSecretValueResponse
{
    public string? ARN { get; init; }

    public string? Name { get; init; }

    public string? VersionId { get; init; }

    public List<string>? VersionStages { get; init; }
}

public sealed record GetSecretValueRequest
{
    public string? SecretId { get; init; }

    public string? VersionId { get; init; }

    public string? VersionStage { get; init; }
}

public sealed record GetSecretValueResponse
{
    public string? ARN { get; init; }

    public string? Name { get; init; }

    public string? VersionId { get; init; }

    public string? SecretString { get; init; }

    public List<string>? VersionStages { get; init; }

    [JsonConverter(typeof(EpochSecondsConverter))]
    public DateTime? CreatedDate { get; init; }

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append($"ARN = {ARN}, Name = {Name}, VersionId = {VersionId}, SecretString = ***");
        return true;
    }
}

public sealed record DescribeSecretRequest
{
    public string? SecretId { get; init; }
}

public sealed record DescribeSecretResponse
{
    public string? ARN { get; init; }

    public string? Name { get; init; }

    public string? Description { get; init; }

    public string? KmsKeyId { get; init; }

    public bool? RotationEnabled { get; init; }

    [JsonConverter(typeof(EpochSecondsConverter))]
    public DateTime? LastRotatedDate { get; init; }

    [JsonConverter(typeof(EpochSecondsConverter))]
    public DateTime? LastChangedDate { get; init; }

    [JsonConverter(typeof(EpochSecondsConverter))]
    public DateTime? LastAccessedDate { get; init; }

    [JsonConverter(typeof(EpochSecondsConverter))]
    public DateTime? DeletedDate { get; init; }

    [JsonConverter(typeof(EpochSecondsConverter))]
    public DateTime? CreatedDate { get; init; }

    public List<Tag>? Tags { get; init; }

    public Dictionary<string, List<string>>? VersionIdsToStages { get; init; }
}

public sealed record DeleteSecretRequest
{
    public string? SecretId { get; init; }

    /// <summary>7 to 30 days; AWS's default is 30. Cannot be combined with <see cref="ForceDeleteWithoutRecovery"/>.</summary>
    public long? RecoveryWindowInDays { get; init; }

    public bool? ForceDeleteWithoutRecovery { get; init; }
}

public sealed record DeleteSecretResponse
{
    public string? ARN { get; init; }

    public string? Name { get; init; }

    [JsonConverter(typeof(EpochSecondsConverter))]
    public DateTime? DeletionDate { get; init; }
}

public sealed record TagResourceRequest
{
    public string? SecretId { get; init; }

    public List<Tag>? Tags { get; init; }
}

public sealed record TagResourceResponse;

/// <summary>Removes the tags with these keys; a key the secret does not carry is no error.</summary>
public sealed record UntagResourceRequest
{
    public string? SecretId { get; init; }

    public List<string>? TagKeys { get; init; }
}

public sealed record UntagResourceResponse;

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CreateSecretRequest))]
[JsonSerializable(typeof(CreateSecretResponse))]
[JsonSerializable(typeof(PutSecretValueRequest))]
[JsonSerializable(typeof(PutSecretValueResponse))]
[JsonSerializable(typeof(GetSecretValueRequest))]
[JsonSerializable(typeof(GetSecretValueResponse))]
[JsonSerializable(typeof(DescribeSecretRequest))]
[JsonSerializable(typeof(DescribeSecretResponse))]
[JsonSerializable(typeof(DeleteSecretRequest))]
[JsonSerializable(typeof(DeleteSecretResponse))]
[JsonSerializable(typeof(TagResourceRequest))]
[JsonSerializable(typeof(TagResourceResponse))]
[JsonSerializable(typeof(UntagResourceRequest))]
[JsonSerializable(typeof(UntagResourceResponse))]
internal sealed partial class SecretsManagerJsonContext : JsonSerializerContext;
