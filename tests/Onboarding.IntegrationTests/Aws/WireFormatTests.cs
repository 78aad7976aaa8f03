using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Onboarding.Aws.AwsJson;
using Onboarding.Aws.CertificateAuthority;
using Onboarding.Aws.SecretsManager;

namespace Onboarding.IntegrationTests.Aws;

/// <summary>What goes on the wire, checked without a server, through a handler that captures the request.</summary>
public sealed class WireFormatTests
{
    private const string Pem = "-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----\n";

    [Fact]
    public async Task IssueCertificate_Csr_TravelsAsBase64OfThePemBytes()
    {
        var capture = new CapturingHandler("""{"CertificateArn":"arn:aws:acm-pca:us-east-1:1:certificate-authority/x/certificate/y"}""");
        var client = new AmazonACMPCAClient(Options(), new HttpClient(capture));

        var response = await client.IssueCertificateAsync(new IssueCertificateRequest
        {
            CertificateAuthorityArn = "arn:aws:acm-pca:us-east-1:1:certificate-authority/x",
            Csr = new MemoryStream(Encoding.ASCII.GetBytes(Pem)),
            SigningAlgorithm = SigningAlgorithm.SHA256WITHRSA,
            Validity = new Validity { Type = ValidityPeriodType.DAYS, Value = 30 },
            ApiPassthrough = new ApiPassthrough { Subject = new ASN1Subject { CommonName = "feed-consumer", Organization = "Acme" } },
            IdempotencyToken = "token-1",
        });

        var body = JsonNode.Parse(capture.Body!)!;
        Assert.Equal(Convert.ToBase64String(Encoding.ASCII.GetBytes(Pem)), (string?)body["Csr"]);
        Assert.Equal("DAYS", (string?)body["Validity"]!["Type"]);
        Assert.Equal(30, (long?)body["Validity"]!["Value"]);
        Assert.Equal("feed-consumer", (string?)body["ApiPassthrough"]!["Subject"]!["CommonName"]);
        Assert.Null(body["TemplateArn"]);
        Assert.Equal("ACMPrivateCA.IssueCertificate", capture.Target);
        Assert.Equal("application/x-amz-json-1.1", capture.ContentType);
        Assert.Contains("/us-east-1/acm-pca/aws4_request", capture.Authorization, StringComparison.Ordinal);
        Assert.Equal("arn:aws:acm-pca:us-east-1:1:certificate-authority/x/certificate/y", response.CertificateArn);
    }

    [Fact]
    public async Task BatchMeterUsage_Timestamp_TravelsAsEpochSeconds()
    {
        var capture = new CapturingHandler("""{"Results":[],"UnprocessedRecords":[]}""");
        var client = new Onboarding.Aws.Marketplace.AmazonAWSMarketplaceMeteringClient(Options(), new HttpClient(capture));

        await client.BatchMeterUsageAsync(new Onboarding.Aws.Marketplace.BatchMeterUsageRequest
        {
            ProductCode = "p",
            UsageRecords = [new() { CustomerIdentifier = "c", Dimension = "d", Quantity = 3, Timestamp = new DateTime(2026, 1, 2, 3, 0, 0, DateTimeKind.Utc) }],
        });

        var record = JsonNode.Parse(capture.Body!)!["UsageRecords"]![0]!;
        Assert.Equal(JsonValueKind.Number, record["Timestamp"]!.GetValueKind());
        Assert.Equal(new DateTimeOffset(2026, 1, 2, 3, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds(), (long)record["Timestamp"]!);
        Assert.Equal("AWSMPMeteringService.BatchMeterUsage", capture.Target);
        Assert.Contains("/aws-marketplace/aws4_request", capture.Authorization, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetEntitlements_FractionalEpochExpiration_ReadsAsUtcDateTime()
    {
        var capture = new CapturingHandler("""{"Entitlements":[{"Dimension":"feeds","Value":{"IntegerValue":5},"ExpirationDate":1893456000.5}]}""");
        var client = new Onboarding.Aws.Marketplace.AmazonMarketplaceEntitlementServiceClient(Options(), new HttpClient(capture));

        var response = await client.GetEntitlementsAsync(new() { ProductCode = "p" });

        var entitlement = Assert.Single(response.Entitlements!);
        Assert.Equal(new DateTime(2030, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddMilliseconds(500), entitlement.ExpirationDate);
        Assert.Equal(5, entitlement.Value!.IntegerValue);
    }

    [Fact]
    public async Task CreateSecret_WithoutClientRequestToken_GetsOneSoRetriesAreIdempotent()
    {
        var capture = new CapturingHandler("""{"ARN":"arn","Name":"n","VersionId":"v"}""");
        var client = new AmazonSecretsManagerClient(Options(), new HttpClient(capture));

        await client.CreateSecretAsync(new CreateSecretRequest { Name = "n", SecretString = "s3cr3t" });

        Assert.True(Guid.TryParse((string?)JsonNode.Parse(capture.Body!)!["ClientRequestToken"], out _));
        Assert.Equal("secretsmanager.CreateSecret", capture.Target);
    }

    [Fact]
    public void SecretRecords_ToString_NeverShowTheSecretValue()
    {
        const string secret = "pa55word-do-not-log";

        Assert.DoesNotContain(secret, new CreateSecretRequest { Name = "n", SecretString = secret }.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(secret, new PutSecretValueRequest { SecretId = "n", SecretString = secret }.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(secret, new GetSecretValueResponse { Name = "n", SecretString = secret }.ToString(), StringComparison.Ordinal);
        Assert.Contains("Name = n", new CreateSecretRequest { Name = "n", SecretString = secret }.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Backoff_IsFullJitterUnderAnExponentialCap()
    {
        var top = new AwsJsonClient(AwsJsonService.AcmPca, new AwsJsonClientOptions { Region = "us-east-1", Random = () => 0.999999 });
        var bottom = new AwsJsonClient(AwsJsonService.AcmPca, new AwsJsonClientOptions { Region = "us-east-1", Random = () => 0 });

        Assert.InRange(top.Backoff(1), TimeSpan.FromSeconds(0.99), TimeSpan.FromSeconds(1));
        Assert.InRange(top.Backoff(3), TimeSpan.FromSeconds(3.99), TimeSpan.FromSeconds(4));
        Assert.InRange(top.Backoff(30), TimeSpan.FromSeconds(19.9), TimeSpan.FromSeconds(20));
        Assert.Equal(TimeSpan.Zero, bottom.Backoff(5));
    }

    [Fact]
    public async Task KmsEncrypt_PlaintextTravelsAsBase64WithTheContext_AndTheCiphertextComesBackAsBytes()
    {
        var ciphertext = new byte[] { 1, 2, 3, 250 };
        var capture = new CapturingHandler($$"""{"CiphertextBlob":"{{Convert.ToBase64String(ciphertext)}}","KeyId":"arn:aws:kms:us-east-1:111122223333:key/k","EncryptionAlgorithm":"SYMMETRIC_DEFAULT"}""");
        var client = new Onboarding.Aws.Kms.AmazonKeyManagementServiceClient(Options(), new HttpClient(capture));

        var response = await client.EncryptAsync(new Onboarding.Aws.Kms.EncryptRequest
        {
            KeyId = "alias/key-ring",
            Plaintext = new MemoryStream(Encoding.UTF8.GetBytes("<key/>")),
            EncryptionContext = new() { ["application"] = "marketplace-onboarding" },
        });

        var body = JsonNode.Parse(capture.Body!)!;
        Assert.Equal("alias/key-ring", (string?)body["KeyId"]);
        Assert.Equal(Convert.ToBase64String(Encoding.UTF8.GetBytes("<key/>")), (string?)body["Plaintext"]);
        Assert.Equal("marketplace-onboarding", (string?)body["EncryptionContext"]!["application"]);
        Assert.Null(body["EncryptionAlgorithm"]);
        Assert.Equal("TrentService.Encrypt", capture.Target);
        Assert.Contains("/us-east-1/kms/aws4_request", capture.Authorization, StringComparison.Ordinal);
        Assert.Equal(ciphertext, response.CiphertextBlob!.ToArray());
        Assert.Equal("arn:aws:kms:us-east-1:111122223333:key/k", response.KeyId);
    }

    [Fact]
    public void KmsRequestsAndResponses_NeverPrintThePlaintext()
    {
        var secret = new MemoryStream(Encoding.UTF8.GetBytes("master-key"));

        var printed = new Onboarding.Aws.Kms.EncryptRequest { KeyId = "alias/k", Plaintext = secret }.ToString()
            + new Onboarding.Aws.Kms.DecryptResponse { KeyId = "alias/k", Plaintext = secret }.ToString();

        Assert.DoesNotContain("MemoryStream", printed, StringComparison.Ordinal);
        Assert.Contains("Plaintext = ***", printed, StringComparison.Ordinal);
    }

    private static AwsJsonClientOptions Options() => new()
    {
        Region = "us-east-1",
        Credentials = new Amazon.Runtime.BasicAWSCredentials("AKIDEXAMPLE", "secret"),
        ServiceUrl = new Uri("https://aws.example.test/"),
        Delay = (_, _) => Task.CompletedTask,
    };

    private sealed class CapturingHandler(string responseBody) : HttpMessageHandler
    {
        public string? Body { get; private set; }

        public string? Target { get; private set; }

        public string? ContentType { get; private set; }

        public string Authorization { get; private set; } = "";

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Body = await request.Content!.ReadAsStringAsync(cancellationToken);
            Target = request.Headers.GetValues("X-Amz-Target").Single();
            ContentType = request.Content.Headers.ContentType?.MediaType;
            Authorization = request.Headers.GetValues("Authorization").Single();
            return new HttpResponseMessage(System.Net.HttpStatusCode.OK) { Content = new StringContent(responseBody) };
        }
    }
}
