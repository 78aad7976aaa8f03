using Onboarding.Core.Subscribers;
using Onboarding.Core.Tests.Certificates;

namespace Onboarding.Core.Tests.Subscribers;

public sealed class RegistrationValidatorTests
{
    private static RegistrationForm Valid(KeyChoice choice = KeyChoice.GenerateKey, string? csr = null) =>
        new("  Acme Trading  ", "Jane Doe", "jane.doe@acme.example", "+1 (206) 555-0100", choice, csr);

    [Fact]
    public void Validate_WithGoodInput_ReturnsTrimmedRegistration()
    {
        var result = RegistrationValidator.Validate(Valid());

        Assert.True(result.IsValid);
        Assert.Empty(result.Errors);
        Assert.Equal("Acme Trading", result.Registration!.Company);
        Assert.Equal("jane.doe@acme.example", result.Registration.Email);
        Assert.Null(result.Registration.CsrPem);
    }

    [Fact]
    public void Validate_WithAValidCsr_KeepsTheCanonicalCsr()
    {
        var result = RegistrationValidator.Validate(Valid(KeyChoice.OwnCsr, Csrs.EcP256()));

        Assert.True(result.IsValid);
        Assert.StartsWith("-----BEGIN CERTIFICATE REQUEST-----", result.Registration!.CsrPem, StringComparison.Ordinal);
        Assert.NotNull(result.Csr);
    }

    [Fact]
    public void Validate_WithEverythingMissing_ReportsEachRequiredField()
    {
        var result = RegistrationValidator.Validate(new RegistrationForm(null, " ", "", null, KeyChoice.OwnCsr, null));

        Assert.False(result.IsValid);
        Assert.Equal(["company", "contactName", "email", "csr"], result.Errors.Select(e => e.Field));
        Assert.All(result.Errors, e => Assert.False(string.IsNullOrWhiteSpace(e.Message)));
    }

    [Theory]
    [InlineData("jane@acme.example")]
    [InlineData("jane.doe+feeds@sub.acme.co.uk")]
    [InlineData("o'brien@acme-trading.com")]
    public void Validate_WithEmailShapedAddress_AcceptsIt(string email)
    {
        Assert.True(RegistrationValidator.Validate(Valid() with { Email = email }).IsValid);
    }

    [Theory]
    [InlineData("jane")]
    [InlineData("jane@")]
    [InlineData("@acme.example")]
    [InlineData("jane@acme")]
    [InlineData("jane@@acme.example")]
    [InlineData("jane doe@acme.example")]
    [InlineData("jane@acme..example")]
    [InlineData("jane@-acme.example")]
    [InlineData(".jane@acme.example")]
    [InlineData("jane@acme.example\r\nBcc: x@y.example")]
    public void Validate_WithMalformedEmail_SaysWhatAnEmailLooksLike(string email)
    {
        var result = RegistrationValidator.Validate(Valid() with { Email = email });

        var error = Assert.Single(result.Errors);
        Assert.Equal("email", error.Field);
        Assert.Contains("name@example.com", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Acme\nO=Admin", "one line")]
    [InlineData("Acme\u0000", "control character")]
    [InlineData("Acme\u202Eevil", "invisible")]
    public void Validate_WithControlOrFormattingCharactersInCompany_RejectsIt(string company, string expected)
    {
        var error = Assert.Single(RegistrationValidator.Validate(Valid() with { Company = company }).Errors);

        Assert.Equal("company", error.Field);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_WithTooLongCompany_SaysTheLimit()
    {
        var error = Assert.Single(RegistrationValidator.Validate(Valid() with { Company = new string('a', 201) }).Errors);

        Assert.Contains("200", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_WithCommasAndEqualsInCompany_AcceptsThemAsText()
    {
        var result = RegistrationValidator.Validate(Valid() with { Company = "Acme, O=Admin" });

        Assert.Equal("Acme, O=Admin", result.Registration!.Company);
    }

    [Theory]
    [InlineData("call me")]
    [InlineData("123")]
    [InlineData("1+206555")]
    public void Validate_WithBadPhone_ShowsAnExample(string phone)
    {
        var error = Assert.Single(RegistrationValidator.Validate(Valid() with { Phone = phone }).Errors);

        Assert.Equal("phone", error.Field);
    }

    [Fact]
    public void Validate_WithCsrAndGenerateKeyBoth_AsksForOne()
    {
        var error = Assert.Single(RegistrationValidator.Validate(Valid(KeyChoice.GenerateKey, Csrs.EcP256())).Errors);

        Assert.Equal("csr", error.Field);
        Assert.Contains("not both", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_WithBrokenCsr_ReportsTheCsrProblemOnTheCsrField()
    {
        var error = Assert.Single(RegistrationValidator.Validate(Valid(KeyChoice.OwnCsr, "hello")).Errors);

        Assert.Equal("csr", error.Field);
        Assert.Contains("BEGIN CERTIFICATE REQUEST", error.Message, StringComparison.Ordinal);
    }
}
