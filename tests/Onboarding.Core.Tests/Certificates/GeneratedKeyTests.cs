using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Onboarding.Core.Certificates;
using Onboarding.Core.Subscribers;

namespace Onboarding.Core.Tests.Certificates;

public sealed class GeneratedKeyTests
{
    private static readonly CertificateSubject Subject = CertificateSubject.For(
        CustomerIdentity.FromCustomerIdentifier("Ex8Ej5jR8fL", "prod-abc123"),
        new CertificateSubjectOptions { Organization = "Example Market Data" });

    [Theory]
    [InlineData(GeneratedKeyType.EcP256, CsrKeyType.EcP256)]
    [InlineData(GeneratedKeyType.Rsa2048, CsrKeyType.Rsa)]
    public void Create_GivesAPkcs8KeyAndACsrThatPassesOurOwnValidation(GeneratedKeyType type, CsrKeyType expected)
    {
        var key = GeneratedKey.Create(type, Subject);

        var csr = CsrValidator.Validate(key.CsrPem);
        Assert.True(csr.IsValid, csr.Error);
        Assert.Equal(expected, csr.Csr!.KeyType);
        Assert.StartsWith("-----BEGIN PRIVATE KEY-----", key.PrivateKeyPem, StringComparison.Ordinal);

        var request = CertificateRequest.LoadSigningRequestPem(key.CsrPem, HashAlgorithmName.SHA256);
        Assert.Equal(Subject.ToKafkaPrincipal(), KafkaPrincipal.FromSubject(request.SubjectName));
    }

    [Fact]
    public void Create_PrivateKeyBelongsToTheCsrsPublicKey()
    {
        var key = GeneratedKey.Create(GeneratedKeyType.EcP256, Subject);
        using var privateKey = ECDsa.Create();
        privateKey.ImportFromPem(key.PrivateKeyPem);

        var request = CertificateRequest.LoadSigningRequestPem(key.CsrPem, HashAlgorithmName.SHA256);
        using var publicKey = request.PublicKey.GetECDsaPublicKey()!;
        var signature = privateKey.SignData("proof"u8, HashAlgorithmName.SHA256);
        Assert.True(publicKey.VerifyData("proof"u8, signature, HashAlgorithmName.SHA256));
    }

    [Fact]
    public void ToString_NeverShowsThePrivateKey()
    {
        var key = GeneratedKey.Create(GeneratedKeyType.EcP256, Subject);

        Assert.DoesNotContain("PRIVATE KEY", key.ToString(), StringComparison.Ordinal);
        Assert.Contains("redacted", key.ToString(), StringComparison.Ordinal);
    }
}
