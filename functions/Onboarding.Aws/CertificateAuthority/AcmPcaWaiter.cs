using Onboarding.Aws.AwsJson;

namespace Onboarding.Aws.CertificateAuthority;

/// <summary>
/// Polls GetCertificate until the certificate is issued, like the SDK's <c>CertificateIssued</c> waiter
/// (1 s apart, at most 60 attempts). A <see cref="RequestFailedException"/> or any other error ends the wait at once.
/// </summary>
public static class AcmPcaWaiter
{
    public static async Task<GetCertificateResponse> WaitForCertificateAsync(
        this IAmazonACMPCA client,
        GetCertificateRequest request,
        int maxAttempts = 60,
        TimeSpan? interval = null,
        Func<TimeSpan, CancellationToken, Task>? delay = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxAttempts, 1);
        delay ??= static (wait, ct) => Task.Delay(wait, ct);
        var wait = interval ?? TimeSpan.FromSeconds(1);

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await client.GetCertificateAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (RequestInProgressException) when (attempt < maxAttempts)
            {
                await delay(wait, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
