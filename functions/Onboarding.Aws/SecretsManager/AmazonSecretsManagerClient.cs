using Onboarding.Aws.AwsJson;

namespace Onboarding.Aws.SecretsManager;

/// <summary>The Secrets Manager calls we make; the names and shapes of AWSSDK.SecretsManager's <c>IAmazonSecretsManager</c>.</summary>
public interface IAmazonSecretsManager
{
    Task<CreateSecretResponse> CreateSecretAsync(CreateSecretRequest request, CancellationToken cancellationToken = default);

    Task<PutSecretValueResponse> PutSecretValueAsync(PutSecretValueRequest request, CancellationToken cancellationToken = default);

    Task<GetSecretValueResponse> GetSecretValueAsync(GetSecretValueRequest request, CancellationToken cancellationToken = default);

    Task<DescribeSecretResponse> DescribeSecretAsync(DescribeSecretRequest request, CancellationToken cancellationToken = default);

    Task<DeleteSecretResponse> DeleteSecretAsync(DeleteSecretRequest request, CancellationToken cancellationToken = default);

    Task<TagResourceResponse> TagResourceAsync(TagResourceRequest request, CancellationToken cancellationToken = default);

    Task<UntagResourceResponse> UntagResourceAsync(UntagResourceRequest request, CancellationToken cancellationToken = default);
}

/// <summary>Error messages name the secret (its name or ARN), never its value.</summary>
public sealed class AmazonSecretsManagerClient(AwsJsonClientOptions options, HttpClient? httpClient = null) : IAmazonSecretsManager
{
    private readonly AwsJsonClient client = new(AwsJsonService.SecretsManager, options, httpClient);

    public Task<CreateSecretResponse> CreateSecretAsync(CreateSecretRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        request = request.ClientRequestToken is null ? request with { ClientRequestToken = Guid.NewGuid().ToString() } : request;
        return client.InvokeAsync(
            "CreateSecret", request, SecretsManagerJsonContext.Default.CreateSecretRequest, SecretsManagerJsonContext.Default.CreateSecretResponse,
            request.Name, cancellationToken);
    }

    public Task<PutSecretValueResponse> PutSecretValueAsync(PutSecretValueRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        request = request.ClientRequestToken is null ? request with { ClientRequestToken = Guid.NewGuid().ToString() } : request;
        return client.InvokeAsync(
            "PutSecretValue", request, SecretsManagerJsonContext.Default.PutSecretValueRequest, SecretsManagerJsonContext.Default.PutSecretValueResponse,
            request.SecretId, cancellationToken);
    }

    public Task<GetSecretValueResponse> GetSecretValueAsync(GetSecretValueRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return client.InvokeAsync(
            "GetSecretValue", request, SecretsManagerJsonContext.Default.GetSecretValueRequest, SecretsManagerJsonContext.Default.GetSecretValueResponse,
            request.SecretId, cancellationToken);
    }

    public Task<DescribeSecretResponse> DescribeSecretAsync(DescribeSecretRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return client.InvokeAsync(
            "DescribeSecret", request, SecretsManagerJsonContext.Default.DescribeSecretRequest, SecretsManagerJsonContext.Default.DescribeSecretResponse,
            request.SecretId, cancellationToken);
    }

    public Task<DeleteSecretResponse> DeleteSecretAsync(DeleteSecretRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return client.InvokeAsync(
            "DeleteSecret", request, SecretsManagerJsonContext.Default.DeleteSecretRequest, SecretsManagerJsonContext.Default.DeleteSecretResponse,
            request.SecretId, cancellationToken);
    }

    public Task<TagResourceResponse> TagResourceAsync(TagResourceRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return client.InvokeAsync(
            "TagResource", request, SecretsManagerJsonContext.Default.TagResourceRequest, SecretsManagerJsonContext.Default.TagResourceResponse,
            request.SecretId, cancellationToken);
    }

    public Task<UntagResourceResponse> UntagResourceAsync(UntagResourceRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return client.InvokeAsync(
            "UntagResource", request, SecretsManagerJsonContext.Default.UntagResourceRequest, SecretsManagerJsonContext.Default.UntagResourceResponse,
            request.SecretId, cancellationToken);
    }
}
