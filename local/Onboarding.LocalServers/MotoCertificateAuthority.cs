using System.Text;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Amazon.Runtime;
using Onboarding.Aws.AwsJson;
using Onboarding.Aws.CertificateAuthority;

namespace Onboarding.LocalServers;

/// <summary>
/// An active root CA in moto's ACM PCA, made through the real activation flow (the CA's CSR, issued with the
/// root template, imported back). Our client offers only the operations the product calls, so the set-up
/// operations go through the untyped JSON protocol.
/// </summary>
public static class MotoCertificateAuthority
{
    /// <summary>Creates and activates a root CA; returns its ARN and its certificate (PEM), the chain's trust anchor.</summary>
    public static async Task<(string Arn, string CertificatePem)> CreateActiveRootAsync(Uri motoEndpoint, string commonName, CancellationToken cancellationToken = default)
    {
        var options = new AwsJsonClientOptions
        {
            Region = "us-east-1",
            Credentials = new BasicAWSCredentials("testing", "testing"),
            ServiceUrl = motoEndpoint,
        };
        var raw = new AwsJsonClient(AwsJsonService.AcmPca, options);
        var pca = new AmazonACMPCAClient(options);

        Task<JsonObject> Call(string operation, JsonObject request) =>
            raw.InvokeAsync(operation, request, RawJsonContext.Default.JsonObject, RawJsonContext.Default.JsonObject, resource: null, cancellationToken);

        var created = await Call("CreateCertificateAuthority", new JsonObject
        {
            ["CertificateAuthorityType"] = "ROOT",
            ["IdempotencyToken"] = Guid.NewGuid().ToString("N"),
            ["CertificateAuthorityConfiguration"] = new JsonObject
            {
                ["KeyAlgorithm"] = "RSA_2048",
                ["SigningAlgorithm"] = "SHA256WITHRSA",
                ["Subject"] = new JsonObject { ["CommonName"] = commonName, ["Organization"] = "Local stack" },
            },
        }).ConfigureAwait(false);
        var caArn = (string?)created["CertificateAuthorityArn"] ?? throw new InvalidOperationException("moto returned no CertificateAuthorityArn.");
        var caCsr = await Call("GetCertificateAuthorityCsr", new JsonObject { ["CertificateAuthorityArn"] = caArn }).ConfigureAwait(false);

        var rootIssued = await pca.IssueCertificateAsync(new IssueCertificateRequest
        {
            CertificateAuthorityArn = caArn,
            Csr = new MemoryStream(Encoding.ASCII.GetBytes((string)caCsr["Csr"]!)),
            SigningAlgorithm = Onboarding.Aws.CertificateAuthority.SigningAlgorithm.SHA256WITHRSA,
            TemplateArn = CertificateTemplates.RootCACertificate,
            Validity = new Validity { Type = ValidityPeriodType.YEARS, Value = 10 },
        }, cancellationToken).ConfigureAwait(false);
        var root = await pca.GetCertificateAsync(new() { CertificateAuthorityArn = caArn, CertificateArn = rootIssued.CertificateArn }, cancellationToken).ConfigureAwait(false);
        await Call("ImportCertificateAuthorityCertificate", new JsonObject
        {
            ["CertificateAuthorityArn"] = caArn,
            ["Certificate"] = Convert.ToBase64String(Encoding.ASCII.GetBytes(root.Certificate!)),
        }).ConfigureAwait(false);
        return (caArn, root.Certificate!);
    }
}

[JsonSerializable(typeof(JsonObject))]
internal sealed partial class RawJsonContext : JsonSerializerContext;
