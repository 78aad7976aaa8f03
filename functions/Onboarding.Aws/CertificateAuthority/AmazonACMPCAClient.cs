using Onboarding.Aws.AwsJson;

namespace Onboarding.Aws.CertificateAuthority;

/// <summary>The ACM Private CA calls we make; the method names and shapes of AWSSDK.ACMPCA's <c>IAmazonACMPCA</c>.</summary>
public interface IAmazonACMPCA
{
    Task<IssueCertificateResponse> IssueCertificateAsync(IssueCertificateRequest request, CancellationToken cancellationToken = default);

    /// <summary>Throws <see cref="RequestInProgressException"/> while the certificate is still being issued; see <see cref="AcmPcaWaiter"/>.</summary>
    Task<GetCertificateResponse> GetCertificateAsync(GetCertificateRequest request, CancellationToken cancellationToken = default);

    Task<GetCertificateAuthorityCertificateResponse> GetCertificateAuthorityCertificateAsync(
        GetCertificateAuthorityCertificateRequest request, CancellationToken cancellationToken = default);

    Task<RevokeCertificateResponse> RevokeCertificateAsync(RevokeCertificateRequest request, CancellationToken cancellationToken = default);
}

public sealed class AmazonACMPCAClient(AwsJsonClientOptions options, HttpClient? httpClient = null) : IAmazonACMPCA
{
    private readonly AwsJsonClient client = new(AwsJsonService.AcmPca, options, httpClient);

    public Task<IssueCertificateResponse> IssueCertificateAsync(IssueCertificateRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return client.InvokeAsync(
            "IssueCertificate", request, AcmPcaJsonContext.Default.IssueCertificateRequest, AcmPcaJsonContext.Default.IssueCertificateResponse,
            request.CertificateAuthorityArn, cancellationToken);
    }

    public Task<GetCertificateResponse> GetCertificateAsync(GetCertificateRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return client.InvokeAsync(
            "GetCertificate", request, AcmPcaJsonContext.Default.GetCertificateRequest, AcmPcaJsonContext.Default.GetCertificateResponse,
            request.CertificateArn, cancellationToken);
    }

    public Task<GetCertificateAuthorityCertificateResponse> GetCertificateAuthorityCertificateAsync(
        GetCertificateAuthorityCertificateRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return client.InvokeAsync(
            "GetCertificateAuthorityCertificate", request,
            AcmPcaJsonContext.Default.GetCertificateAuthorityCertificateRequest, AcmPcaJsonContext.Default.GetCertificateAuthorityCertificateResponse,
            request.CertificateAuthorityArn, cancellationToken);
    }

    public Task<RevokeCertificateResponse> RevokeCertificateAsync(RevokeCertificateRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return client.InvokeAsync(
            "RevokeCertificate", request, AcmPcaJsonContext.Default.RevokeCertificateRequest, AcmPcaJsonContext.Default.RevokeCertificateResponse,
            $"{request.CertificateAuthorityArn} serial {request.CertificateSerial}", cancellationToken);
    }
}
