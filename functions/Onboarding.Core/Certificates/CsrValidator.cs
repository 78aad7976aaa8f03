using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Onboarding.Core.Certificates;

public enum CsrKeyType
{
    Rsa,
    EcP256,
    EcP384,
}

/// <summary>A CSR that passed every check, re-encoded as one canonical PEM block.</summary>
public sealed record ValidatedCsr(string Pem, CsrKeyType KeyType, int KeySizeBits, string RequestedSubject);

/// <summary>Either a <see cref="ValidatedCsr"/> or an error sentence for the person who sent it.</summary>
public sealed record CsrValidationResult(ValidatedCsr? Csr, string? Error)
{
    public bool IsValid => Csr is not null;

    public static CsrValidationResult Invalid(string error) => new(null, error);
}

/// <summary>
/// Checks a certificate signing request sent by a buyer: one PEM block labelled CERTIFICATE REQUEST, DER that parses
/// completely, a valid self-signature (proof the sender holds the private key), and an accepted key: RSA 2048–8192 bits
/// or EC P-256/P-384. The subject in the CSR is reported but not used: the issued subject is ours (ApiPassthrough).
/// Never throws for any input; every problem becomes a message naming what is wrong.
/// </summary>
public static class CsrValidator
{
    public const int MaxPemBytes = 16 * 1024;
    public const int MinRsaBits = 2048;
    public const int MaxRsaBits = 8192;

    private const string RsaOid = "1.2.840.113549.1.1.1";
    private const string EcOid = "1.2.840.10045.2.1";
    private const string P256Oid = "1.2.840.10045.3.1.7";
    private const string P384Oid = "1.3.132.0.34";

    public static CsrValidationResult Validate(string? pem)
    {
        if (string.IsNullOrWhiteSpace(pem))
        {
            return CsrValidationResult.Invalid("The CSR is empty. Paste the whole PEM text, from -----BEGIN CERTIFICATE REQUEST----- to -----END CERTIFICATE REQUEST-----.");
        }

        if (pem.Length > MaxPemBytes || Encoding.UTF8.GetByteCount(pem) > MaxPemBytes)
        {
            return CsrValidationResult.Invalid($"The CSR is larger than {MaxPemBytes / 1024} KiB; a CSR is normally 1–3 KiB. Send only the CSR.");
        }

        var blocks = new List<(string Label, byte[] Der)>();
        var rest = pem.AsSpan();
        while (PemEncoding.TryFind(rest, out var fields))
        {
            var label = rest[fields.Label].ToString();
            var der = new byte[fields.DecodedDataLength];
            if (!Convert.TryFromBase64Chars(rest[fields.Base64Data], der, out var written) || written != der.Length)
            {
                return CsrValidationResult.Invalid($"The PEM block labelled {label} has broken base64 content.");
            }

            blocks.Add((label, der));
            rest = rest[fields.Location.End..];
        }

        if (blocks.Count == 0)
        {
            return CsrValidationResult.Invalid(pem.Contains("-----BEGIN", StringComparison.Ordinal)
                ? "The CSR's PEM block is incomplete or damaged: it needs matching -----BEGIN CERTIFICATE REQUEST----- and -----END CERTIFICATE REQUEST----- lines around base64 text."
                : "This is not a PEM CSR: expected text starting with -----BEGIN CERTIFICATE REQUEST-----.");
        }

        if (blocks.Exists(b => b.Label.Contains("PRIVATE KEY", StringComparison.Ordinal)))
        {
            return CsrValidationResult.Invalid("This contains a PRIVATE KEY. Never send your private key; send only the CSR (-----BEGIN CERTIFICATE REQUEST-----).");
        }

        if (blocks.Count > 1)
        {
            return CsrValidationResult.Invalid($"Send exactly one CSR; found {blocks.Count} PEM blocks ({string.Join(", ", blocks.Select(b => b.Label))}).");
        }

        var (blockLabel, blockDer) = blocks[0];
        if (blockLabel is not ("CERTIFICATE REQUEST" or "NEW CERTIFICATE REQUEST"))
        {
            return CsrValidationResult.Invalid($"Expected a CERTIFICATE REQUEST, got a PEM block labelled {blockLabel}.");
        }

        return ValidateDer(blockDer);
    }

    private static CsrValidationResult ValidateDer(byte[] der)
    {
        // Structure and key first, without the signature: an odd key must never reach the platform's crypto.
        CertificateRequest request;
        try
        {
            request = CertificateRequest.LoadSigningRequest(der, HashAlgorithmName.SHA256, out var consumed, CertificateRequestLoadOptions.SkipSignatureValidation);
            if (consumed != der.Length)
            {
                return CsrValidationResult.Invalid("The CSR has extra data after its end.");
            }
        }
        catch (Exception ex) when (IsDataProblem(ex))
        {
            return CsrValidationResult.Invalid("The CSR could not be read: its content is not a PKCS#10 certificate request.");
        }

        ValidatedCsr csr;
        try
        {
            var subject = request.SubjectName.Name;
            switch (request.PublicKey.Oid.Value)
            {
                case RsaOid:
                    using (var rsa = request.PublicKey.GetRSAPublicKey())
                    {
                        var bits = rsa?.KeySize ?? 0;
                        if (bits < MinRsaBits)
                        {
                            return CsrValidationResult.Invalid($"The CSR's RSA key has {bits} bits; at least {MinRsaBits} are required.");
                        }

                        if (bits > MaxRsaBits)
                        {
                            return CsrValidationResult.Invalid($"The CSR's RSA key has {bits} bits; at most {MaxRsaBits} are accepted.");
                        }

                        csr = new ValidatedCsr(ToPem(der), CsrKeyType.Rsa, bits, subject);
                        break;
                    }

                case EcOid:
                    var curve = NamedCurve(request.PublicKey.EncodedParameters?.RawData ?? []);
                    switch (curve)
                    {
                        case P256Oid:
                            csr = new ValidatedCsr(ToPem(der), CsrKeyType.EcP256, 256, subject);
                            break;
                        case P384Oid:
                            csr = new ValidatedCsr(ToPem(der), CsrKeyType.EcP384, 384, subject);
                            break;
                        default:
                            return CsrValidationResult.Invalid($"The CSR's EC key uses curve {curve ?? "(explicit parameters)"}; only P-256 and P-384 are accepted.");
                    }

                    using (var ec = request.PublicKey.GetECDsaPublicKey())
                    {
                        if (ec is null)
                        {
                            return CsrValidationResult.Invalid("The CSR's EC public key could not be read.");
                        }
                    }

                    break;

                default:
                    return CsrValidationResult.Invalid($"The CSR's key type ({request.PublicKey.Oid.FriendlyName ?? request.PublicKey.Oid.Value}) is not accepted; use RSA (2048 bits or more) or EC P-256/P-384.");
            }
        }
        catch (Exception ex) when (IsDataProblem(ex))
        {
            return CsrValidationResult.Invalid("The CSR's public key could not be read.");
        }

        try
        {
            // Default options verify the self-signature: proof that the sender holds the private key.
            CertificateRequest.LoadSigningRequest(der, HashAlgorithmName.SHA256, out _, CertificateRequestLoadOptions.Default);
        }
        catch (NotSupportedException)
        {
            return CsrValidationResult.Invalid("The CSR is signed with an algorithm we do not accept; sign it with RSA or ECDSA and SHA-256 or stronger.");
        }
        catch (Exception ex) when (IsDataProblem(ex))
        {
            return CsrValidationResult.Invalid("The CSR's signature does not verify: it was altered after signing or signed with a different key.");
        }

        return new CsrValidationResult(csr, null);
    }

    private static string? NamedCurve(byte[] parameters)
    {
        try
        {
            var reader = new AsnReader(parameters, AsnEncodingRules.DER);
            var oid = reader.ReadObjectIdentifier();
            return reader.HasData ? null : oid;
        }
        catch (AsnContentException)
        {
            return null;
        }
    }

    private static bool IsDataProblem(Exception ex) =>
        ex is CryptographicException or AsnContentException or FormatException or ArgumentException or NotSupportedException;

    private static string ToPem(byte[] der) => new string(PemEncoding.Write("CERTIFICATE REQUEST", der)) + "\n";
}
