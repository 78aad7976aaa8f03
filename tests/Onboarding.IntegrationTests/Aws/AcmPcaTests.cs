using Onboarding.LocalServers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Onboarding.Aws.AwsJson;
using Onboarding.Aws.CertificateAuthority;
using Onboarding.IntegrationTests.Fixtures;

namespace Onboarding.IntegrationTests.Aws;

/// <summary>
/// ACM PCA against moto_server, which signs real X.509 certificates. moto takes the subject from the CSR and ignores
/// ApiPassthrough, Validity and SigningAlgorithm (it signs SHA512-RSA for 365 days), so the CSR and the passthrough
/// ask for the same subject here.
/// </summary>
[Collection(MotoCollection.Name)]
[Trait("Category", "Integration")]
public sealed class AcmPcaTests(MotoFixture moto) : IAsyncLifetime
{
    private readonly AmazonACMPCAClient pca = new(MotoRaw.Options(moto));

    public Task InitializeAsync() => moto.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task IssueCertificate_FromDotNetCsr_ChainsToTheCaWithTheRequestedSubject()
    {
        var caArn = await CreateActiveRootCaAsync();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var csr = new CertificateRequest("CN=feed-consumer-42, O=Acme Trading", key, HashAlgorithmName.SHA256).CreateSigningRequestPem();

        var issued = await pca.IssueCertificateAsync(new IssueCertificateRequest
        {
            CertificateAuthorityArn = caArn,
            Csr = new MemoryStream(Encoding.ASCII.GetBytes(csr)),
            SigningAlgorithm = SigningAlgorithm.SHA256WITHRSA,
            Validity = new Validity { Type = ValidityPeriodType.DAYS, Value = 365 },
            TemplateArn = CertificateTemplates.EndEntityClientAuthApiPassthrough,
            ApiPassthrough = new ApiPassthrough { Subject = new ASN1Subject { CommonName = "feed-consumer-42", Organization = "Acme Trading" } },
            IdempotencyToken = "issue-1",
        });
        var fetched = await pca.WaitForCertificateAsync(
            new GetCertificateRequest { CertificateAuthorityArn = caArn, CertificateArn = issued.CertificateArn },
            delay: (_, _) => Task.CompletedTask);
        var caCertificate = await pca.GetCertificateAuthorityCertificateAsync(new() { CertificateAuthorityArn = caArn });

        using var leaf = X509Certificate2.CreateFromPem(fetched.Certificate);
        using var root = X509Certificate2.CreateFromPem(caCertificate.Certificate);
        Assert.Equal("feed-consumer-42", leaf.GetNameInfo(X509NameType.SimpleName, forIssuer: false));
        Assert.Contains("O=Acme Trading", leaf.Subject, StringComparison.Ordinal);
        Assert.Equal(root.Subject, leaf.Issuer);
        Assert.True(ChainsTo(leaf, root), "the issued certificate must chain to the CA certificate");
        using var leafKey = leaf.GetECDsaPublicKey();
        Assert.Equal(key.ExportSubjectPublicKeyInfo(), leafKey!.ExportSubjectPublicKeyInfo());
    }

    [Fact]
    public async Task IssuedCertificate_AgainstAnotherRoot_DoesNotChain()
    {
        var caArn = await CreateActiveRootCaAsync();
        var leafPem = await IssueAsync(caArn, "CN=feed-consumer-7");
        using var strangerKey = RSA.Create(2048);
        using var stranger = new CertificateRequest("CN=Onboarding Test Root CA, O=Test", strangerKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));

        using var leaf = X509Certificate2.CreateFromPem(leafPem);
        Assert.False(ChainsTo(leaf, stranger));
    }

    [Fact]
    public async Task RevokeCertificate_IssuedSerialInHex_IsAccepted()
    {
        var caArn = await CreateActiveRootCaAsync();
        using var leaf = X509Certificate2.CreateFromPem(await IssueAsync(caArn, "CN=feed-consumer-9"));

        var serial = string.Join(':', Convert.ToHexStringLower(leaf.SerialNumberBytes.Span).Chunk(2).Select(pair => new string(pair)));
        var revoked = await pca.RevokeCertificateAsync(new RevokeCertificateRequest
        {
            CertificateAuthorityArn = caArn,
            CertificateSerial = serial,
            RevocationReason = RevocationReason.KEY_COMPROMISE,
        });

        Assert.NotNull(revoked);
    }

    [Fact]
    public async Task GetCertificate_UnknownCa_ThrowsResourceNotFoundNamingCallAndResource()
    {
        const string missingCa = "arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/00000000-0000-0000-0000-000000000000";

        var error = await Assert.ThrowsAsync<ResourceNotFoundException>(() => pca.GetCertificateAsync(new GetCertificateRequest
        {
            CertificateAuthorityArn = missingCa,
            CertificateArn = missingCa + "/certificate/0123",
        }));

        Assert.Contains("ACM PCA GetCertificate failed for " + missingCa + "/certificate/0123", error.Message, StringComparison.Ordinal);
        Assert.Contains("not found", error.AwsMessage, StringComparison.Ordinal);
        Assert.Equal("ResourceNotFoundException", error.ErrorCode);
    }

    [Fact]
    public async Task RevokeCertificate_CaNotYetActive_ThrowsInvalidState()
    {
        var created = await MotoRaw.CallAsync(moto, AwsJsonService.AcmPca, "CreateCertificateAuthority", NewCaRequest());

        await Assert.ThrowsAsync<InvalidStateException>(() => pca.RevokeCertificateAsync(new RevokeCertificateRequest
        {
            CertificateAuthorityArn = (string)created["CertificateAuthorityArn"]!,
            CertificateSerial = "01",
            RevocationReason = RevocationReason.SUPERSEDED,
        }));
    }

    [Fact]
    public async Task WaitForCertificate_StillInProgress_PollsUntilIssued()
    {
        var fake = new InProgressThenIssued(inProgressAnswers: 2);
        var delays = new List<TimeSpan>();

        var response = await fake.WaitForCertificateAsync(new GetCertificateRequest(), delay: (d, _) => { delays.Add(d); return Task.CompletedTask; });

        Assert.Equal("PEM", response.Certificate);
        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)], delays);
    }

    [Fact]
    public async Task WaitForCertificate_NeverIssued_StopsAfterMaxAttempts()
    {
        var fake = new InProgressThenIssued(inProgressAnswers: 100);

        await Assert.ThrowsAsync<RequestInProgressException>(() =>
            fake.WaitForCertificateAsync(new GetCertificateRequest(), maxAttempts: 3, delay: (_, _) => Task.CompletedTask));
        Assert.Equal(3, fake.Calls);
    }

    private async Task<string> IssueAsync(string caArn, string subject)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var csr = new CertificateRequest(subject, key, HashAlgorithmName.SHA256).CreateSigningRequestPem();
        var issued = await pca.IssueCertificateAsync(new IssueCertificateRequest
        {
            CertificateAuthorityArn = caArn,
            Csr = new MemoryStream(Encoding.ASCII.GetBytes(csr)),
            SigningAlgorithm = SigningAlgorithm.SHA256WITHRSA,
            Validity = new Validity { Type = ValidityPeriodType.DAYS, Value = 30 },
        });
        return (await pca.GetCertificateAsync(new() { CertificateAuthorityArn = caArn, CertificateArn = issued.CertificateArn })).Certificate!;
    }

    /// <summary>The real activation flow (the CA's own CSR, issued with the root template, imported back), shared with the local stack.</summary>
    private async Task<string> CreateActiveRootCaAsync() =>
        (await MotoCertificateAuthority.CreateActiveRootAsync(moto.Endpoint, "Onboarding Test Root CA")).Arn;

    private static JsonObject NewCaRequest() => new()
    {
        ["CertificateAuthorityType"] = "ROOT",
        ["IdempotencyToken"] = Guid.NewGuid().ToString("N"),
        ["CertificateAuthorityConfiguration"] = new JsonObject
        {
            ["KeyAlgorithm"] = "RSA_2048",
            ["SigningAlgorithm"] = "SHA256WITHRSA",
            ["Subject"] = new JsonObject { ["CommonName"] = "Onboarding Test Root CA", ["Organization"] = "Test" },
        },
    };

    private static bool ChainsTo(X509Certificate2 leaf, X509Certificate2 root)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(root);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(leaf) && chain.ChainElements[^1].Certificate.Thumbprint == root.Thumbprint;
    }

    private sealed class InProgressThenIssued(int inProgressAnswers) : IAmazonACMPCA
    {
        public int Calls { get; private set; }

        public Task<GetCertificateResponse> GetCertificateAsync(GetCertificateRequest request, CancellationToken cancellationToken = default)
        {
            Calls++;
            if (Calls <= inProgressAnswers)
            {
                throw new RequestInProgressException(new AwsErrorDetails(
                    "ACM PCA", "GetCertificate", "arn", "RequestInProgressException", "The request is in progress.", System.Net.HttpStatusCode.BadRequest, null, 1));
            }

            return Task.FromResult(new GetCertificateResponse { Certificate = "PEM" });
        }

        public Task<IssueCertificateResponse> IssueCertificateAsync(IssueCertificateRequest request, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<GetCertificateAuthorityCertificateResponse> GetCertificateAuthorityCertificateAsync(GetCertificateAuthorityCertificateRequest request, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<RevokeCertificateResponse> RevokeCertificateAsync(RevokeCertificateRequest request, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    }
}
