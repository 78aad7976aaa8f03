using Onboarding.Aws.AwsJson;

namespace Onboarding.Aws.Kms;

/// <summary>The AWS KMS calls we make; the method names and shapes of AWSSDK.KeyManagementService's <c>IAmazonKeyManagementService</c>.</summary>
public interface IAmazonKeyManagementService
{
    Task<EncryptResponse> EncryptAsync(EncryptRequest request, CancellationToken cancellationToken = default);

    Task<DecryptResponse> DecryptAsync(DecryptRequest request, CancellationToken cancellationToken = default);
}

/// <summary>Error messages name the key, never the plaintext.</summary>
public sealed class AmazonKeyManagementServiceClient(AwsJsonClientOptions options, HttpClient? httpClient = null) : IAmazonKeyManagementService
{
    private readonly AwsJsonClient client = new(AwsJsonService.Kms, options, httpClient);

    public Task<EncryptResponse> EncryptAsync(EncryptRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return client.InvokeAsync(
            "Encrypt", request, KmsJsonContext.Default.EncryptRequest, KmsJsonContext.Default.EncryptResponse,
            request.KeyId, cancellationToken);
    }

    public Task<DecryptResponse> DecryptAsync(DecryptRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return client.InvokeAsync(
            "Decrypt", request, KmsJsonContext.Default.DecryptRequest, KmsJsonContext.Default.DecryptResponse,
            request.KeyId ?? "the key named in the ciphertext", cancellationToken);
    }
}
