using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Onboarding.Core.Tests.Certificates;

/// <summary>CSRs made on the spot, as a buyer's openssl would.</summary>
internal static class Csrs
{
    private static readonly X500DistinguishedName BuyerSubject = new("CN=whatever the buyer typed, O=Buyer Inc");

    public static string EcP256() => Ec(ECCurve.NamedCurves.nistP256);

    public static string Ec(ECCurve curve)
    {
        using var key = ECDsa.Create(curve);
        return new CertificateRequest(BuyerSubject, key, HashAlgorithmName.SHA256).CreateSigningRequestPem();
    }

    public static string Rsa(int bits)
    {
        using var key = RSA.Create(bits);
        return new CertificateRequest(BuyerSubject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1).CreateSigningRequestPem();
    }

    public static byte[] EcP256Der()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return new CertificateRequest(BuyerSubject, key, HashAlgorithmName.SHA256).CreateSigningRequest();
    }

    public static string Pem(string label, byte[] der) => new(PemEncoding.Write(label, der));
}
