using System.Security.Cryptography;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Onboarding.Core.Certificates;

namespace Onboarding.Core.Tests.Certificates;

public sealed class CsrValidatorTests
{
    [Fact]
    public void Validate_EcP256Csr_Passes()
    {
        var result = CsrValidator.Validate(Csrs.EcP256());

        Assert.True(result.IsValid, result.Error);
        Assert.Equal(CsrKeyType.EcP256, result.Csr!.KeyType);
        Assert.Contains("whatever the buyer typed", result.Csr.RequestedSubject, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_EcP384Csr_Passes()
    {
        Assert.Equal(CsrKeyType.EcP384, CsrValidator.Validate(Csrs.Ec(ECCurve.NamedCurves.nistP384)).Csr?.KeyType);
    }

    [Fact]
    public void Validate_Rsa2048Csr_PassesWithItsSize()
    {
        var csr = CsrValidator.Validate(Csrs.Rsa(2048)).Csr;

        Assert.Equal(CsrKeyType.Rsa, csr?.KeyType);
        Assert.Equal(2048, csr?.KeySizeBits);
    }

    [Fact]
    public void Validate_Rsa1024Csr_SaysTheKeyIsTooSmall()
    {
        var result = CsrValidator.Validate(Csrs.Rsa(1024));

        Assert.False(result.IsValid);
        Assert.Contains("1024 bits", result.Error, StringComparison.Ordinal);
        Assert.Contains("2048", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_EcP521Csr_NamesTheAcceptedCurves()
    {
        var result = CsrValidator.Validate(Csrs.Ec(ECCurve.NamedCurves.nistP521));

        Assert.Contains("P-256 and P-384", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_CsrWithAlteredSignature_SaysTheSignatureDoesNotVerify()
    {
        var der = Csrs.EcP256Der();
        der[^3] ^= 0x01; // inside the signature value

        var result = CsrValidator.Validate(Csrs.Pem("CERTIFICATE REQUEST", der));

        Assert.Contains("signature does not verify", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_CsrWithAlteredSubject_SaysTheSignatureDoesNotVerify()
    {
        var der = Csrs.EcP256Der();
        var at = der.AsSpan().IndexOf("buyer"u8);
        der[at] = (byte)'B';

        Assert.Contains("signature does not verify", CsrValidator.Validate(Csrs.Pem("CERTIFICATE REQUEST", der)).Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_PrivateKey_WarnsNeverToSendIt()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        var result = CsrValidator.Validate(key.ExportPkcs8PrivateKeyPem() + "\n" + Csrs.EcP256());

        Assert.Contains("Never send your private key", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_TwoCsrs_AsksForExactlyOne()
    {
        Assert.Contains("exactly one CSR", CsrValidator.Validate(Csrs.EcP256() + "\n" + Csrs.EcP256()).Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_CertificateInsteadOfCsr_NamesTheWrongLabel()
    {
        var pem = Csrs.Pem("CERTIFICATE", Csrs.EcP256Der());

        Assert.Contains("labelled CERTIFICATE", CsrValidator.Validate(pem).Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_OldNewCertificateRequestLabel_IsAcceptedAndNormalized()
    {
        var result = CsrValidator.Validate(Csrs.Pem("NEW CERTIFICATE REQUEST", Csrs.EcP256Der()));

        Assert.StartsWith("-----BEGIN CERTIFICATE REQUEST-----\n", result.Csr?.Pem, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_HugeInput_SaysTheSizeLimitBeforeParsing()
    {
        var result = CsrValidator.Validate(Csrs.EcP256() + new string(' ', CsrValidator.MaxPemBytes));

        Assert.Contains("16 KiB", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_PemWrappedGarbage_SaysItIsNotACertificateRequest()
    {
        var result = CsrValidator.Validate(Csrs.Pem("CERTIFICATE REQUEST", [0x30, 0x03, 0x02, 0x01, 0x00]));

        Assert.Contains("not a PKCS#10", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("MIIB...")]
    [InlineData("-----BEGIN CERTIFICATE REQUEST-----\nMIIB")]
    public void Validate_EmptyOrNonPem_ExplainsTheExpectedShape(string? input)
    {
        var result = CsrValidator.Validate(input);

        Assert.False(result.IsValid);
        Assert.Contains("BEGIN CERTIFICATE REQUEST", result.Error, StringComparison.Ordinal);
    }

    [Property(MaxTest = 200)]
    public bool Validate_AnyString_NeverThrowsAndAlwaysExplains(string? input)
    {
        var result = CsrValidator.Validate(input);
        return !result.IsValid && !string.IsNullOrWhiteSpace(result.Error);
    }

    [Property(MaxTest = 200)]
    public Property Validate_AnyBytesInsideACsrPemBlock_NeverThrows() =>
        Prop.ForAll(ArbMap.Default.GeneratorFor<byte[]>().Where(b => b is not null).ToArbitrary(), bytes =>
        {
            var result = CsrValidator.Validate(Csrs.Pem("CERTIFICATE REQUEST", bytes));
            return !result.IsValid && result.Error is { Length: > 0 };
        });

    [Property(MaxTest = 60)]
    public Property Validate_ACsrTruncatedAnywhere_IsRejectedWithAMessage()
    {
        var pem = Csrs.EcP256();
        return Prop.ForAll(Gen.Choose(1, pem.Length - 2).ToArbitrary(), cut =>
        {
            var result = CsrValidator.Validate(pem[..cut]);
            return !result.IsValid && result.Error is { Length: > 0 };
        });
    }

    [Property(MaxTest = 500)]
    public Property Validate_ACsrDerWithOneByteFlipped_NeverThrowsAndNeverPassesAnAlteredRequest()
    {
        var der = Csrs.EcP256Der();
        return Prop.ForAll(Gen.Choose(0, der.Length - 1).Zip(Gen.Choose(1, 255)).ToArbitrary(), flip =>
        {
            var altered = (byte[])der.Clone();
            altered[flip.Item1] ^= (byte)flip.Item2;
            var result = CsrValidator.Validate(Csrs.Pem("CERTIFICATE REQUEST", altered));
            return !result.IsValid && result.Error is { Length: > 0 };
        });
    }
}
