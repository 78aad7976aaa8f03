using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Onboarding.Core.Certificates;

public enum GeneratedKeyType
{
    EcP256,
    Rsa2048,
}

/// <summary>
/// A key pair we generated for a buyer who chose "generate a key for me", with the CSR for it. The private key is
/// PKCS#8 PEM (<c>-----BEGIN PRIVATE KEY-----</c>); it goes to Secrets Manager and nowhere else, and
/// <see cref="ToString"/> never shows it, so it cannot slip into a log.
/// </summary>
public sealed class GeneratedKey
{
    private GeneratedKey(GeneratedKeyType type, string privateKeyPem, string csrPem)
    {
        Type = type;
        PrivateKeyPem = privateKeyPem;
        CsrPem = csrPem;
    }

    public GeneratedKeyType Type { get; }

    public string PrivateKeyPem { get; }

    public string CsrPem { get; }

    public static GeneratedKey Create(GeneratedKeyType type, CertificateSubject subject)
    {
        ArgumentNullException.ThrowIfNull(subject);
        var name = subject.ToX500DistinguishedName();
        switch (type)
        {
            case GeneratedKeyType.EcP256:
                using (var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256))
                {
                    var request = new CertificateRequest(name, ec, HashAlgorithmName.SHA256);
                    return new GeneratedKey(type, ec.ExportPkcs8PrivateKeyPem() + "\n", request.CreateSigningRequestPem() + "\n");
                }

            case GeneratedKeyType.Rsa2048:
                using (var rsa = RSA.Create(2048))
                {
                    var request = new CertificateRequest(name, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
                    return new GeneratedKey(type, rsa.ExportPkcs8PrivateKeyPem() + "\n", request.CreateSigningRequestPem() + "\n");
                }

            default:
                throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown key type.");
        }
    }

    public override string ToString() => $"GeneratedKey({Type}, private key redacted)";
}
